"""Deployment files for one GPU box and for Kubernetes, sized from the app's own figures."""
