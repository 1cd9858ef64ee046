package config

import (
	"slices"
	"testing"
)

func TestEffectiveDoors(t *testing.T) {
	sb := SandboxDoors{SMPPAddr: "127.0.0.1:4001", SMPPPassword: "ab12cd34", SFTPAddr: "127.0.0.1:4002", SFTPHostKey: "SHA256:sandbox"}
	wavy := Config{Provider: ProviderWavy, SandboxToken: "tok", SandboxDoors: sb}
	sandbox := Config{Provider: ProviderSandbox, SandboxToken: "tok", SandboxDoors: sb}
	saved := map[string]string{SettingDoor: "smpp", SettingDoorWhatsApp: "sftp", SettingSMPPSystemID: "acme", SettingSMPPPassword: "s3gredo",
		SettingSMPPTLS: "0", SettingSMPPBinds: "6", SettingSMPPBindMode: BindSplit, SettingSFTPUsername: "acme", SettingSFTPPassword: "p",
		SettingSFTPSubAccount: "PROJETO1", SettingSFTPHostKey: "SHA256:wavy"}
	tests := []struct {
		name  string
		cfg   Config
		saved map[string]string
		want  Doors
	}{
		{"nothing saved: HTTPS, the seeds' hosts", wavy, nil, Doors{Door: DoorHTTPS, WhatsApp: DoorHTTPS,
			SMPP: SMPPDoor{Host: DefaultSMPPHost, Port: 2444, TLS: true, Binds: 4},
			SFTP: SFTPDoor{Host: DefaultSFTPHost, Port: 2222}}},
		{"saved for Wavy", wavy, saved, Doors{Door: DoorSMPP, WhatsApp: DoorSFTP,
			SMPP: SMPPDoor{Host: DefaultSMPPHost, Port: 2443, SystemID: "acme", Password: "s3gredo", Binds: 6, Split: true},
			SFTP: SFTPDoor{Host: DefaultSFTPHost, Port: 2222, Username: "acme", Password: "p", SubAccount: "PROJETO1", HostKey: "SHA256:wavy"}}},
		{"sandbox: the built-in doors, binds and sub-account kept", sandbox, saved, Doors{Door: DoorSMPP, WhatsApp: DoorSFTP, Sandbox: true,
			SMPP: SMPPDoor{Host: "127.0.0.1", Port: 4001, SystemID: SandboxUsername, Password: "ab12cd34", Binds: 6, Split: true},
			SFTP: SFTPDoor{Host: "127.0.0.1", Port: 4002, Username: SandboxUsername, Password: "tok", SubAccount: "PROJETO1", HostKey: "SHA256:sandbox"}}},
		{"unknown doors are HTTPS", wavy, map[string]string{SettingDoor: "mq", SettingDoorWhatsApp: "smpp"}, Doors{Door: DoorHTTPS, WhatsApp: DoorHTTPS,
			SMPP: SMPPDoor{Host: DefaultSMPPHost, Port: 2444, TLS: true, Binds: 4}, SFTP: SFTPDoor{Host: DefaultSFTPHost, Port: 2222}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.cfg.EffectiveDoors(tt.saved); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestDoorPasswordsAreSecret(t *testing.T) {
	for _, k := range []string{SettingWavyToken, SettingSMPPPassword, SettingSFTPPassword} {
		if !slices.Contains(SecretSettings(), k) {
			t.Errorf("%s is not among the settings sealed at rest", k)
		}
	}
}
