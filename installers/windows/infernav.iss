; Inno Setup script for Inference Navigator (Inno Setup 6.x; also accepted by 7.x).
;   iscc /DAppVersion=0.1.0 /DSourceDir=..\..\build\windows\dist\infernav installers\windows\infernav.iss
; Per-user install into %LOCALAPPDATA%\Programs without an administrator prompt ("all users"
; stays available from the dialog), Start-menu entry, clean upgrades, uninstaller.

#ifndef AppVersion
  #error Pass /DAppVersion=x.y.z (build_windows.ps1 reads it from desktop_app.__version__)
#endif
#ifndef SourceDir
  #define SourceDir "..\..\build\windows\dist\infernav"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist-installers"
#endif
#define AppName "Inference Navigator"
#define AppExe "infernav.exe"

[Setup]
; The AppId identifies the app across versions: never change it, or upgrades install twice.
AppId={{6D1B7C3E-2F4A-4E5B-9C8D-1A2B3C4D5E6F}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Inference Navigator project
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
LicenseFile={#SourceDir}\_internal\licenses\NOTICE.txt
#ifdef SetupIcon
SetupIconFile={#SetupIcon}
#endif
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
OutputDir={#OutputDir}
OutputBaseFilename=InferenceNavigator-{#AppVersion}-windows-x64-setup
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes
RestartApplications=no

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; Upgrades replace the whole bundle, so no stale DLL or module from an older version survives.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only the program folder: the user's own data (%LOCALAPPDATA%\Inference Navigator) is kept.
Type: filesandordirs; Name: "{app}\_internal"
