package node

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// CollectOptions tune Collect.
type CollectOptions struct {
	// Flavour forces a distribution instead of detecting it.
	Flavour Flavour
	// KubernetesVersion forces the version instead of detecting it.
	KubernetesVersion string
	// NoProc ignores /proc under the root: the node is judged from its
	// files only, as for a copied snapshot.
	NoProc bool
	// CertPaths replaces the PKI directories and kubeconfigs scanned for
	// certificates with these node paths (files or directories).
	CertPaths []string
	// NoCerts skips the certificate scan.
	NoCerts bool
	// NoContainers skips asking the container runtimes for their
	// containers (implied by NoProc: a snapshot has no live sockets).
	NoContainers bool
	// DockerSocket, ContainerdSocket and CRISocket (a CRI runtime such
	// as CRI-O), paths on this machine, replace the sockets of their
	// kind found under the root.
	DockerSocket, ContainerdSocket, CRISocket string
	// RunningContainersOnly judges running containers only, as
	// docker-bench does; by default created and stopped ones are judged
	// too (they run again on start or at boot).
	RunningContainersOnly bool
	// SelfPodUID is the UID of the pod palisade runs in (node audit
	// --all-nodes gives it as PALISADE_POD_UID): its containers are left
	// out, the host access they have is how palisade reads the node.
	SelfPodUID string
}

// collector carries the state of one Collect run.
type collector struct {
	fs     RootFS
	f      *Facts
	users  map[int]string
	groups map[int]string
	opts   CollectOptions
	// watches caches the audit rules (path → rules file).
	watches map[string]string
	// mounts caches the mount table and where it was read.
	mounts   []mountEntry
	mountSrc string
	// The host walk (SUID/SGID and world-writable files), done once.
	walked   bool
	suid     []hostFile
	writable []hostFile
	// Installed package names and the database they came from.
	pkgNames  []string
	pkgSource string
	// Kernel modules the running kernel has, and where that was read.
	modIndex map[string]bool
	modSrc   string
}

// Collect reads every fact the checks need from the node file system at
// root. It never fails as a whole: what cannot be read is recorded in
// Facts.Errors (and per file), and the checks needing it report warn.
func Collect(root string, checks []*Check, opts CollectOptions) (*Facts, error) {
	fi, err := os.Stat(root)
	if err != nil {
		return nil, fmt.Errorf("cannot read the node root %s: %w", root, err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("node root %s is not a directory: give the directory where the node's / is mounted", root)
	}
	c := &collector{
		fs:   RootFS{Dir: root},
		opts: opts,
		f: &Facts{
			Root:       root,
			Components: map[string]*Component{},
			Files:      map[string]*FileInfo{},
			Trees:      map[string][]*FileInfo{},
			Docs:       map[string]*Doc{},
			Sysctls:    map[string]Setting{},
			Modules:    map[string]Module{},
			Units:      map[string]*Unit{},
			Extra:      map[string]Setting{},
		},
	}
	c.users = c.idFile("/etc/passwd")
	c.groups = c.idFile("/etc/group")
	if h, err := c.fs.readCapped("/etc/hostname", 4096); err == nil {
		c.f.Hostname = strings.TrimSpace(string(h))
	}
	c.loadUnits(checks)
	if !opts.NoProc {
		c.scanProcesses()
	}
	c.detectFlavour()
	c.scanManifests()
	c.scanUnitsForComponents()
	c.scanDistributionArgs()
	c.loadComponentConfigs()
	c.collectAuditPolicy()
	c.detectVersion()
	c.collectCheckFacts(checks)
	if !opts.NoCerts {
		c.collectCerts(opts.CertPaths)
	}
	if !opts.NoContainers && (!opts.NoProc || opts.DockerSocket != "" || opts.ContainerdSocket != "" || opts.CRISocket != "") {
		c.collectContainers()
	}
	c.redactComponents()
	return c.f, nil
}

func (c *collector) errorf(format string, a ...any) {
	c.f.Errors = append(c.f.Errors, fmt.Sprintf(format, a...))
}

func (c *collector) idFile(p string) map[int]string {
	data, err := c.fs.ReadFile(p)
	if err != nil {
		return map[int]string{}
	}
	return parseIDFile(data)
}

// stat records one node path in Facts.Files.
func (c *collector) stat(p string) *FileInfo {
	if fi := c.f.Files[p]; fi != nil {
		return fi
	}
	info := &FileInfo{Path: p}
	st, err := c.fs.Stat(p)
	switch {
	case err == nil:
		c.fill(info, st)
	case errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscallENOTDIR):
	default:
		info.Err = err.Error()
	}
	c.f.Files[p] = info
	return info
}

func (c *collector) fill(info *FileInfo, st fs.FileInfo) {
	info.Exists = true
	info.Dir = st.IsDir()
	info.Mode = st.Mode()
	if uid, gid, ok := ownerOf(st); ok {
		info.UID, info.GID = uid, gid
		info.User, info.Group = c.users[uid], c.groups[gid]
	}
}

// maxTreeFiles bounds one directory walk.
const maxTreeFiles = 10000

// tree records every file under a node directory.
func (c *collector) tree(dir string) {
	if _, done := c.f.Trees[dir]; done {
		return
	}
	if fi := c.stat(dir); !fi.Exists || !fi.Dir {
		return
	}
	var out []*FileInfo
	err := c.fs.Walk(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			c.errorf("%s: %v", p, err)
			return nil
		}
		if len(out) >= maxTreeFiles {
			return fs.SkipAll
		}
		st, err := d.Info()
		if err != nil {
			return nil
		}
		info := &FileInfo{Path: p}
		c.fill(info, st)
		out = append(out, info)
		return nil
	})
	if err != nil {
		c.errorf("walking %s: %v", dir, err)
	}
	c.f.Trees[dir] = out
}

// doc reads and parses a configuration file once per format.
func (c *collector) doc(p, format string) *Doc {
	key := docKey(p, format)
	if d := c.f.Docs[key]; d != nil {
		return d
	}
	d := &Doc{Path: p, Format: format}
	c.f.Docs[key] = d
	data, err := c.fs.ReadFile(p)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) && !errors.Is(err, syscallENOTDIR) {
			d.Exists = true
			d.Err = err.Error()
		}
		return d
	}
	d.Exists = true
	if format == "sshd" {
		data = c.expandSSHDIncludes(data, 0)
	}
	v, err := ParseConfig(format, data)
	if err != nil {
		d.Err = err.Error()
		return d
	}
	d.Data = redactSecrets(v)
	return d
}

// scanProcesses finds components among the processes in /proc.
func (c *collector) scanProcesses() {
	ents, err := c.fs.ReadDir("/proc")
	if err != nil {
		return
	}
	type proc struct {
		pid  int
		argv []string
	}
	var procs []proc
	for _, e := range ents {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		data, err := c.fs.readCapped("/proc/"+e.Name()+"/cmdline", 1<<20)
		if err != nil || len(data) == 0 {
			continue
		}
		argv := strings.Split(strings.TrimRight(string(data), "\x00"), "\x00")
		procs = append(procs, proc{pid, argv})
	}
	slices.SortFunc(procs, func(a, b proc) int { return a.pid - b.pid })
	for _, p := range procs {
		bin := path.Base(p.argv[0])
		args := p.argv[1:]
		if bin == "k3s" || bin == "rke2" || bin == "kubelite" {
			c.embeddedProcess(p.pid, bin, args)
			continue
		}
		for _, spec := range componentSpecs {
			if !slices.Contains(spec.Binaries, bin) || c.f.Components[spec.Name] != nil {
				continue
			}
			if (bin == "apiserver" || bin == "proxy" || bin == "scheduler" || bin == "controller-manager") && !strings.Contains(p.argv[0], "kube") {
				continue // generic names: only under a kube path
			}
			comp := &Component{
				Name:     spec.Name,
				Running:  true,
				Source:   fmt.Sprintf("process %d", p.pid),
				Binary:   p.argv[0],
				Args:     args,
				Flags:    parseArgs(args),
				ProcRoot: fmt.Sprintf("/proc/%d/root", p.pid),
			}
			if spec.Name == "etcd" {
				comp.Env = c.environ(p.pid)
			}
			c.f.Components[spec.Name] = comp
		}
	}
}

// environ reads a process's environment (etcd takes settings from it).
func (c *collector) environ(pid int) map[string]string {
	data, err := c.fs.readCapped(fmt.Sprintf("/proc/%d/environ", pid), 1<<20)
	if err != nil {
		return nil
	}
	env := map[string]string{}
	for kv := range strings.SplitSeq(string(data), "\x00") {
		// Only etcd's own settings: the rest of a process's environment
		// may hold anything.
		if k, v, ok := strings.Cut(kv, "="); ok && strings.HasPrefix(k, "ETCD_") {
			if isSecretKey(k) {
				v = Redacted
			}
			env[k] = v
		}
	}
	return env
}

// embeddedProcess handles distributions that run several components in
// one process: k3s (server or agent), RKE2's supervisor, MicroK8s kubelite.
func (c *collector) embeddedProcess(pid int, bin string, args []string) {
	switch bin {
	case "k3s":
		role := ""
		for _, a := range args {
			if a == "server" || a == "agent" {
				role = a
				break
			}
		}
		if role == "" {
			return
		}
		c.k3sComponents(K3s, role, fmt.Sprintf("process %d (k3s %s)", pid, role), args)
	case "kubelite":
		if c.f.Flavour == "" {
			c.f.Flavour, c.f.FlavourEvidence = MicroK8s, fmt.Sprintf("process %d (kubelite)", pid)
		}
	case "rke2":
		if c.f.Flavour == "" {
			c.f.Flavour, c.f.FlavourEvidence = RKE2, fmt.Sprintf("process %d (rke2)", pid)
		}
	}
}

// k3sComponents adds the components a k3s server or agent embeds, with
// the flags passed through --<component>-arg on the command line or in
// the k3s configuration file.
func (c *collector) k3sComponents(fl Flavour, role, source string, args []string) {
	if c.f.Flavour == "" {
		c.f.Flavour, c.f.FlavourEvidence = fl, source
	}
	names := []string{"kubelet", "proxy"}
	if role == "server" {
		names = append(names, "apiserver", "controller-manager", "scheduler")
		if st := c.stat("/var/lib/rancher/k3s/server/db/etcd"); st.Exists {
			names = append(names, "etcd")
		}
	}
	cmdFlags := parseArgs(args)
	cfg := c.doc("/etc/rancher/k3s/config.yaml", "yaml")
	for _, n := range names {
		if c.f.Components[n] != nil {
			continue
		}
		spec := specFor(n)
		var passed []string
		if cfg.Data != nil {
			if v, ok := lookupKey(cfg.Data, spec.K3sArg); ok {
				switch x := v.(type) {
				case []any:
					for _, e := range x {
						passed = append(passed, "--"+stringify(e))
					}
				default:
					passed = append(passed, "--"+stringify(x))
				}
			}
		}
		for _, v := range cmdFlags["--"+spec.K3sArg] {
			passed = append(passed, "--"+v)
		}
		c.f.Components[n] = &Component{
			Name: n, Running: strings.HasPrefix(source, "process"), Source: source,
			Binary: "k3s", Args: passed, Flags: parseArgs(passed), Embedded: true,
		}
	}
}

// detectFlavour picks the distribution from processes and paths.
func (c *collector) detectFlavour() {
	if c.opts.Flavour != "" {
		c.f.Flavour, c.f.FlavourEvidence = c.opts.Flavour, "set by --flavour"
		return
	}
	if c.f.Flavour != "" {
		return
	}
	for _, s := range flavourSigns {
		for _, p := range s.paths {
			if c.stat(p).Exists {
				c.f.Flavour, c.f.FlavourEvidence = s.flavour, p+" exists"
				return
			}
		}
	}
	c.f.Flavour, c.f.FlavourEvidence = Generic, "no distribution layout recognised"
}

// podManifest is the part of a static pod manifest palisade reads.
type podManifest struct {
	Spec struct {
		Containers []struct {
			Image   string   `yaml:"image"`
			Command []string `yaml:"command"`
			Args    []string `yaml:"args"`
			Env     []struct {
				Name  string `yaml:"name"`
				Value string `yaml:"value"`
			} `yaml:"env"`
		} `yaml:"containers"`
	} `yaml:"spec"`
}

// ParseManifest reads a static pod manifest (YAML or JSON) into its first
// container's command line, image and environment.
func ParseManifest(data []byte) (argv []string, image string, env map[string]string, err error) {
	var m podManifest
	if err := yaml.Unmarshal(data, &m); err != nil {
		return nil, "", nil, fmt.Errorf("not a pod manifest: %s", cleanErr(err))
	}
	if len(m.Spec.Containers) == 0 {
		return nil, "", nil, errors.New("not a pod manifest: no containers")
	}
	ct := m.Spec.Containers[0]
	argv = append(slices.Clone(ct.Command), ct.Args...)
	// A shell wrapper: sh -c "exec kube-apiserver --flag ...".
	if len(argv) >= 3 && (path.Base(argv[0]) == "sh" || path.Base(argv[0]) == "bash") && argv[1] == "-c" {
		argv = shellWords(strings.TrimPrefix(strings.TrimSpace(argv[2]), "exec "))
	}
	if len(ct.Env) > 0 {
		env = map[string]string{}
		for _, e := range ct.Env {
			env[e.Name] = e.Value
		}
	}
	return argv, ct.Image, env, nil
}

// scanManifests reads static pod manifests: the source of control-plane
// flags in a snapshot, and the pod specification files the benchmark
// judges when the process runs.
func (c *collector) scanManifests() {
	for _, dir := range manifestDirs {
		ents, err := c.fs.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range ents {
			if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
				continue
			}
			p := path.Join(dir, e.Name())
			data, err := c.fs.ReadFile(p)
			if err != nil {
				c.errorf("reading static pod %s: %v", p, err)
				continue
			}
			argv, image, env, err := ParseManifest(data)
			if err != nil {
				c.errorf("static pod %s: %v", p, err)
				continue
			}
			spec := c.matchManifest(e.Name(), argv)
			if spec == nil {
				continue
			}
			if comp := c.f.Components[spec.Name]; comp != nil {
				if comp.ManifestFile == "" && !comp.Embedded {
					comp.ManifestFile, comp.Image = p, image
				}
				continue
			}
			var args []string
			if len(argv) > 0 {
				args = argv[1:]
			}
			c.f.Components[spec.Name] = &Component{
				Name: spec.Name, Source: "manifest " + p, Binary: firstOr(argv),
				Args: args, Flags: parseArgs(args), Env: env, ManifestFile: p, Image: image,
			}
		}
	}
}

func firstOr(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

func (c *collector) matchManifest(name string, argv []string) *componentSpec {
	for i := range componentSpecs {
		spec := &componentSpecs[i]
		if len(argv) > 0 && slices.Contains(spec.Binaries, path.Base(argv[0])) && path.Base(argv[0]) != "proxy" {
			return spec
		}
	}
	for i := range componentSpecs {
		if slices.Contains(componentSpecs[i].Manifests, name) {
			return &componentSpecs[i]
		}
	}
	return nil
}

// scanUnitsForComponents reads components that no process or manifest
// revealed from their systemd units (a snapshot's kubelet, dockerd).
func (c *collector) scanUnitsForComponents() {
	for _, spec := range componentSpecs {
		if c.f.Components[spec.Name] != nil {
			continue
		}
		for _, u := range c.f.unitsOf(&spec) {
			argv, err := c.execStart(u)
			if err != nil {
				c.errorf("unit %s: %v", u.Name, err)
				continue
			}
			if len(argv) == 0 {
				continue
			}
			args := argv[1:]
			c.f.Components[spec.Name] = &Component{
				Name: spec.Name, Source: "unit " + u.Name, Binary: argv[0], Args: args, Flags: parseArgs(args),
			}
			break
		}
	}
	// k3s and RKE2 started by their units.
	for _, unit := range []struct {
		name, role string
		fl         Flavour
	}{{"k3s.service", "server", K3s}, {"k3s-agent.service", "agent", K3s}} {
		if u := c.f.Units[unit.name]; u != nil && len(u.Files) > 0 {
			argv, _ := c.execStart(u)
			c.k3sComponents(unit.fl, unit.role, "unit "+unit.name, argv)
		}
	}
}

// scanDistributionArgs reads MicroK8s argument files.
func (c *collector) scanDistributionArgs() {
	if c.f.Flavour != MicroK8s {
		return
	}
	const dir = "/var/snap/microk8s/current/args"
	for _, spec := range componentSpecs {
		if spec.MicroK8sArgs == "" || c.f.Components[spec.Name] != nil {
			continue
		}
		p := path.Join(dir, spec.MicroK8sArgs)
		data, err := c.fs.ReadFile(p)
		if err != nil {
			continue
		}
		var args []string
		for line := range strings.SplitSeq(string(data), "\n") {
			line = strings.TrimSpace(line)
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			line = strings.NewReplacer("${SNAP_DATA}", "/var/snap/microk8s/current", "${SNAP}", "/snap/microk8s/current", "$SNAP_DATA", "/var/snap/microk8s/current").Replace(line)
			args = append(args, shellWords(line)...)
		}
		c.f.Components[spec.Name] = &Component{
			Name: spec.Name, Source: "args " + p, Binary: "kubelite", Args: args, Flags: parseArgs(args), ManifestFile: p,
		}
	}
}

// loadComponentConfigs reads each component's configuration file: the
// one its flag names, else its default location; for the kubelet, the
// drop-in directory is merged over it.
func (c *collector) loadComponentConfigs() {
	for _, spec := range componentSpecs {
		comp := c.f.Components[spec.Name]
		if comp == nil {
			continue
		}
		var p string
		for _, fl := range spec.ConfigFlags {
			if v, ok := comp.Flag(fl); ok {
				p = v
			}
		}
		if p == "" {
			for _, d := range spec.DefaultConfig {
				if c.stat(d).Exists {
					p = d
					break
				}
			}
		}
		if p == "" {
			continue
		}
		if comp.ProcRoot != "" && !c.stat(p).Exists && c.stat(comp.ProcRoot+p).Exists {
			// The file is inside the component's container.
			p = comp.ProcRoot + p
		}
		format := spec.ConfigFormat
		switch path.Ext(p) {
		case ".json":
			format = "json"
		case ".toml":
			format = "toml"
		}
		d := c.doc(p, format)
		if !d.Exists {
			c.errorf("%s: configuration file %s (from its flags) not found", spec.Name, p)
		}
		if spec.ConfigDirFlag != "" && d.Exists && d.Err == "" {
			if dir, ok := comp.Flag(spec.ConfigDirFlag); ok {
				merged, files := c.mergeDropIns(d.Data, dir)
				if len(files) > 0 {
					d = &Doc{Path: p + " + " + strings.Join(files, ", "), Format: format, Exists: true, Data: merged}
				}
			}
		}
		comp.Config = d
	}
}

// mergeDropIns merges the *.conf files of a kubelet drop-in directory, in
// name order, over base; maps merge key by key, other values replace.
func (c *collector) mergeDropIns(base any, dir string) (any, []string) {
	ents, err := c.fs.ReadDir(dir)
	if err != nil {
		return base, nil
	}
	var files []string
	for _, e := range ents {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".conf") {
			continue
		}
		p := path.Join(dir, e.Name())
		data, err := c.fs.ReadFile(p)
		if err != nil {
			c.errorf("kubelet drop-in %s: %v", p, err)
			continue
		}
		v, err := ParseConfig("yaml", data)
		if err != nil {
			c.errorf("kubelet drop-in %s: %v", p, err)
			continue
		}
		base = mergeValues(base, v)
		files = append(files, p)
	}
	return base, files
}

func mergeValues(base, over any) any {
	bm, ok1 := base.(map[string]any)
	om, ok2 := over.(map[string]any)
	if !ok1 || !ok2 {
		return over
	}
	out := make(map[string]any, len(bm))
	for k, v := range bm {
		out[k] = v
	}
	for k, v := range om {
		out[k] = mergeValues(out[k], v)
	}
	return out
}

// collectCheckFacts gathers every file, tree, document, sysctl, module
// and extra fact the checks refer to.
func (c *collector) collectCheckFacts(checks []*Check) {
	for _, ch := range checks {
		if c.f.notApplicable(ch.component) != "" {
			continue // judged n/a without facts
		}
		for _, e := range []*Expr{ch.When, ch.Test} {
			e.walk(func(l *Expr) { c.leafFacts(l) })
		}
	}
}

func (c *collector) leafFacts(e *Expr) {
	switch e.kind() {
	case "file":
		cands, _ := c.f.paths(e.File)
		for _, p := range cands {
			c.stat(p)
		}
	case "tree":
		cands, _ := c.f.paths(e.Tree)
		for _, p := range cands {
			c.tree(p)
		}
	case "doc":
		cands, _ := c.f.paths(e.Doc)
		for _, p := range cands {
			c.doc(p, e.Format)
		}
	case "sysctl":
		c.sysctl(e.Sysctl)
	case "module":
		c.module(e.Module)
	case "extra":
		c.extra(e.Extra)
	}
}

// shellWords splits a command line on blanks, honouring quotes and
// backslash escapes; it does not expand anything.
func shellWords(s string) []string {
	var out []string
	var cur bytes.Buffer
	inWord := false
	var quote rune
	esc := false
	for _, r := range s {
		switch {
		case esc:
			cur.WriteRune(r)
			esc = false
		case r == '\\' && quote != '\'':
			esc = true
			inWord = true
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '"' || r == '\'':
			quote = r
			inWord = true
		case r == ' ' || r == '\t' || r == '\n':
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out
}

// redactComponents replaces secret flag values, environment variables and
// configuration values of every component, so Facts can be written out.
func (c *collector) redactComponents() {
	for _, comp := range c.f.Components {
		comp.Args = redactArgs(comp.Args)
		for name, vals := range comp.Flags {
			if isSecretKey(name) {
				for i := range vals {
					vals[i] = Redacted
				}
			}
		}
		for k := range comp.Env {
			if isSecretKey(k) {
				comp.Env[k] = Redacted
			}
		}
		if comp.Config != nil && comp.Config.Data != nil {
			comp.Config.Data = redactSecrets(comp.Config.Data)
		}
	}
}
