# Build the Windows installer and test it: PyInstaller onedir -> smoke test -> Inno Setup
# setup.exe -> silent per-user install -> installed app smoke test -> silent uninstall.
#   pwsh installers/windows/build_windows.ps1 [-Python .venv\Scripts\python.exe] [-SkipInstallTest]
# Needs: a venv with PySide6-Essentials only + pyinstaller + pillow (icon conversion), and
# Inno Setup 6 (choco install innosetup). Signing: set WINDOWS_SIGN_COMMAND to a command that
# signs the file given as its last argument (e.g. Azure Trusted Signing, SignPath); without it
# the build is unsigned and says so.
param(
    [string]$Python = ".venv\Scripts\python.exe",
    [switch]$SkipInstallTest
)
$ErrorActionPreference = "Stop"
$Root = Resolve-Path (Join-Path $PSScriptRoot "..\..")
Set-Location $Root

function Say($msg) { Write-Host "== $msg" }
function Invoke-Smoke([string]$Exe, [string]$Label) {
    # A windowed exe has no console: judge by the exit code, and time out rather than wait
    # forever on PyInstaller's error dialog.
    $env:QT_QPA_PLATFORM = "offscreen"
    $p = Start-Process -FilePath $Exe -ArgumentList "--smoke-test" -PassThru -WindowStyle Hidden
    if (-not $p.WaitForExit(120000)) { $p.Kill(); throw "$Label --smoke-test timed out" }
    Remove-Item Env:QT_QPA_PLATFORM
    if ($p.ExitCode -ne 0) { throw "$Label --smoke-test failed (exit $($p.ExitCode))" }
    Write-Host "   $Label --smoke-test: ok"
}
function Invoke-Sign([string]$File) {
    if ($env:WINDOWS_SIGN_COMMAND) {
        Invoke-Expression "$env:WINDOWS_SIGN_COMMAND `"$File`""
        if ($LASTEXITCODE -ne 0) { throw "signing $File failed" }
    }
}

$Version = & $Python -c "import desktop_app; print(desktop_app.__version__)"
& $Python -m pip show -q PySide6_Addons 2>$null
if ($LASTEXITCODE -eq 0) { throw "the build venv has PySide6-Addons: build from PySide6-Essentials only" }

Say "PyInstaller $Version"
& $Python -m PyInstaller --noconfirm --log-level WARN --distpath build\windows\dist `
    --workpath build\windows\work installers\infernav.spec
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }
$Exe = "build\windows\dist\infernav\infernav.exe"
Invoke-Smoke $Exe "onedir"
$env:INFERNAV_IMPORT_CHECK = "1"; $env:QT_QPA_PLATFORM = "offscreen"
$p = Start-Process -FilePath $Exe -PassThru -WindowStyle Hidden
if (-not $p.WaitForExit(120000)) { $p.Kill(); throw "import check timed out" }
Remove-Item Env:INFERNAV_IMPORT_CHECK, Env:QT_QPA_PLATFORM
if ($p.ExitCode -ne 0) { throw "a bundled desktop_app module does not import in the frozen app" }
Write-Host "   every desktop_app module imports"

# The llama-server the workflow staged (INFERNAV_LLAMA_SERVER_DIR), found by the app first.
$Engine = "build\windows\dist\infernav\_internal\llama.cpp\llama-server.exe"
if (-not (Test-Path $Engine)) { throw "the onedir has no _internal\llama.cpp\llama-server.exe (set INFERNAV_LLAMA_SERVER_DIR)" }
& $Engine --version
if ($LASTEXITCODE -ne 0) { throw "the bundled llama-server.exe does not run" }
Write-Host "   the bundled llama-server runs"

if ($env:WINDOWS_SIGN_COMMAND) { Say "signing"; Invoke-Sign $Exe; Invoke-Sign $Engine }
else { Write-Host "   WINDOWS_SIGN_COMMAND is not set: the app and installer are NOT signed (SmartScreen will warn)" }

Say "setup icon"
$Ico = Join-Path $Root "build\windows\infernav.ico"
& $Python -c "from PIL import Image; Image.open('resources/icons/infernav.png').save(r'$Ico', sizes=[(16,16),(24,24),(32,32),(48,48),(64,64),(128,128),(256,256)])"
if ($LASTEXITCODE -ne 0) { throw "icon conversion failed (pip install pillow)" }

Say "Inno Setup"
$Iscc = (Get-Command iscc.exe -ErrorAction SilentlyContinue).Source
if (-not $Iscc) { $Iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe" }
$Source = Join-Path $Root "build\windows\dist\infernav"
$OutDir = Join-Path $Root "dist-installers"
& $Iscc /Q "/DAppVersion=$Version" "/DSourceDir=$Source" "/DOutputDir=$OutDir" "/DSetupIcon=$Ico" `
    installers\windows\infernav.iss
if ($LASTEXITCODE -ne 0) { throw "ISCC failed" }
$Setup = Join-Path $OutDir "InferenceNavigator-$Version-windows-x64-setup.exe"
Invoke-Sign $Setup
Write-Host ("   {0} ({1:N1} MB)" -f $Setup, ((Get-Item $Setup).Length / 1MB))

if ($SkipInstallTest) { exit 0 }
Say "silent install test (per user, no admin)"
$p = Start-Process $Setup -ArgumentList "/VERYSILENT", "/SUPPRESSMSGBOXES", "/CURRENTUSER", "/NORESTART", "/LOG=build\windows\install.log" -PassThru -Wait
if ($p.ExitCode -ne 0) { throw "silent install failed (exit $($p.ExitCode))" }
$Installed = Join-Path $env:LOCALAPPDATA "Programs\Inference Navigator\infernav.exe"
if (-not (Test-Path $Installed)) { throw "not installed at $Installed" }
$Shortcut = Join-Path $env:APPDATA "Microsoft\Windows\Start Menu\Programs\Inference Navigator.lnk"
if (-not (Test-Path $Shortcut)) { throw "no Start-menu entry at $Shortcut" }
Invoke-Smoke $Installed "installed app"
$Store = Join-Path $env:LOCALAPPDATA "Inference Navigator\user.sqlite"
if (-not (Test-Path $Store)) { throw "the first run did not create $Store" }
Write-Host "   user store created: $Store"

Say "upgrade over the installed copy"
$p = Start-Process $Setup -ArgumentList "/VERYSILENT", "/SUPPRESSMSGBOXES", "/CURRENTUSER", "/NORESTART" -PassThru -Wait
if ($p.ExitCode -ne 0) { throw "reinstall failed (exit $($p.ExitCode))" }
Invoke-Smoke $Installed "upgraded app"

Say "silent uninstall"
$Uninst = Join-Path $env:LOCALAPPDATA "Programs\Inference Navigator\unins000.exe"
$p = Start-Process $Uninst -ArgumentList "/VERYSILENT", "/SUPPRESSMSGBOXES", "/NORESTART" -PassThru -Wait
if ($p.ExitCode -ne 0) { throw "uninstall failed (exit $($p.ExitCode))" }
Start-Sleep -Seconds 3  # the uninstaller finishes removing itself from a temporary copy
if (Test-Path $Installed) { throw "uninstall left $Installed" }
if (Test-Path $Shortcut) { throw "uninstall left the Start-menu entry" }
if (-not (Test-Path $Store)) { throw "uninstall removed the user's data" }
Write-Host "   uninstalled cleanly; user data kept"
