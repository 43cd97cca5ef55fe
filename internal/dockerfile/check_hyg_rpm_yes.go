package dockerfile

// yum, dnf and zypper without their non-interactive flag.
//
// Three rules share this file's helper: yum (PAL-DF-129), dnf and tdnf
// (PAL-DF-131) and zypper (PAL-DF-133) commands that can prompt must
// answer it: -y or --assumeyes for yum/dnf, -n/--non-interactive (global)
// or -y/--no-confirm (command option) for zypper. microdnf never prompts.

// hygPromptCheck reports the prompting subcommands of tools that lack
// every one of the yes flags.
func hygPromptCheck(p *Pass, tools []string, flags []string, prompting map[string]bool, yes ...string) {
	for _, pc := range hygPmCalls(p.File, flags, tools...) {
		if !prompting[pc.Sub] || pc.C.HasFlag(yes...) {
			continue
		}
		p.Report(pc.In, "%s %s without %s stops at its confirmation prompt", pc.C.Name, pc.Sub, yes[0])
	}
}

var hygYumPrompting = map[string]bool{"install": true, "groupinstall": true, "localinstall": true, "reinstall": true, "update": true, "upgrade": true, "remove": true, "erase": true, "downgrade": true, "swap": true, "autoremove": true, "distro-sync": true, "in": true, "rm": true, "up": true}
