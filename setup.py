"""Package list for setuptools: the app's packages plus top-level resources/ as
`desktop_app._resources` (pyproject alone cannot combine discovery with a mapped folder)."""

from setuptools import find_packages, setup

setup(packages=[*find_packages(include=["desktop_app", "desktop_app.*"]), "desktop_app._resources"])
