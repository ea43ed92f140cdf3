package examples

import (
	"debug/elf"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const (
	dockerfile    = "docker/Dockerfile"
	composeFile   = "docker/docker-compose.yml"
	composeAgent  = "docker/agent.toml"
	composeEnv    = "docker/sipprobe.env.example"
	dockerIgnore  = "docker/Dockerfile.dockerignore"
	asteriskPJSIP = "docker/asterisk/pjsip.conf"
)

// dockerInstruction is one Dockerfile instruction with its continuation
// lines joined.
type dockerInstruction struct{ cmd, args string }

func parseDockerfile(text string) []dockerInstruction {
	var out []dockerInstruction
	var cur string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if cur == "" && (line == "" || strings.HasPrefix(line, "#")) {
			continue
		}
		if strings.HasSuffix(line, `\`) {
			cur += strings.TrimSuffix(line, `\`) + " "
			continue
		}
		cur += line
		cmd, args, _ := strings.Cut(cur, " ")
		out = append(out, dockerInstruction{strings.ToUpper(cmd), strings.TrimSpace(args)})
		cur = ""
	}
	return out
}

// dockerBuildCommand returns the RUN line that builds the binary.
func dockerBuildCommand(t *testing.T, ins []dockerInstruction) string {
	t.Helper()
	for _, in := range ins {
		if in.cmd == "RUN" && strings.Contains(in.args, "go build") {
			return in.args
		}
	}
	t.Fatalf("%s: no RUN … go build", dockerfile)
	return ""
}

var goLineRE = regexp.MustCompile(`(?m)^go (\d+\.\d+)`)

// TestDockerfile checks what the image promises without a Docker daemon:
// a static build, distroless as nonroot, the agent's port and command.
func TestDockerfile(t *testing.T) {
	ins := parseDockerfile(readFile(t, dockerfile))
	var froms []string
	last := map[string]string{} // last value of each instruction in the final stage
	args := map[string]string{}
	for _, in := range ins {
		switch in.cmd {
		case "FROM":
			froms = append(froms, in.args)
			clear(last)
		case "ARG":
			k, v, _ := strings.Cut(in.args, "=")
			args[k] = v
		}
		last[in.cmd] = in.args
	}
	if len(froms) < 2 {
		t.Fatalf("FROM %q: want a multi-stage build", froms)
	}
	if got, want := froms[len(froms)-1], "gcr.io/distroless/static-debian12:nonroot"; got != want {
		t.Errorf("final stage FROM %s, want %s (static, CA certificates, a nonroot user)", got, want)
	}
	if m := goLineRE.FindStringSubmatch(readFile(t, "../go.mod")); m == nil || args["GO_VERSION"] != m[1] {
		t.Errorf("ARG GO_VERSION=%s, want go.mod's go %v", args["GO_VERSION"], m)
	}
	if last["USER"] != "nonroot" {
		t.Errorf("USER %q, want nonroot", last["USER"])
	}
	if last["EXPOSE"] != "9117" {
		t.Errorf("EXPOSE %q, want 9117", last["EXPOSE"])
	}
	var entry []string
	if err := json.Unmarshal([]byte(last["ENTRYPOINT"]), &entry); err != nil {
		t.Errorf("ENTRYPOINT %s: want the exec (JSON) form: %v", last["ENTRYPOINT"], err)
	}
	if want := []string{"/sipprobe", "serve", "--config", "/etc/sipprobe/agent.toml", "--listen", "0.0.0.0:9117"}; !slices.Equal(entry, want) {
		t.Errorf("ENTRYPOINT %q, want %q", entry, want)
	}
	build := dockerBuildCommand(t, ins)
	for _, want := range []string{"CGO_ENABLED=0 ", " -trimpath ", `-ldflags "-s -w`, " ./cmd/sipprobe"} {
		if !strings.Contains(build, want) {
			t.Errorf("RUN %s: missing %q", build, want)
		}
	}
	if !strings.Contains(readFile(t, dockerIgnore), "examples/docker/sipprobe.env") {
		t.Errorf("%s does not keep sipprobe.env (passwords) out of the build context", dockerIgnore)
	}
}

// TestDockerBuildCommand runs the Dockerfile's own build line here and
// checks that the result can run on distroless/static: an ELF without an
// interpreter or shared libraries, with the version stamped in.
func TestDockerBuildCommand(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: a -trimpath build of every package (minutes with a cold cache)")
	}
	build := dockerBuildCommand(t, parseDockerfile(readFile(t, dockerfile)))
	bin := filepath.Join(t.TempDir(), "sipprobe")
	line := strings.Replace(build, "-o /out/sipprobe", "-o "+bin, 1)
	if line == build {
		t.Fatalf("RUN %s: no -o /out/sipprobe to redirect", build)
	}
	cmd := exec.Command("sh", "-c", line)
	cmd.Dir = ".."
	cmd.Env = append(os.Environ(), "VERSION=v0.0.0-dockerfile-test")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", line, err, out)
	}

	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Error("the binary has a PT_INTERP header: it needs a dynamic loader distroless/static lacks")
		}
	}
	if libs, err := f.ImportedLibraries(); err != nil || len(libs) > 0 {
		t.Errorf("shared libraries %q (%v), want none", libs, err)
	}
	if f.Section(".symtab") != nil {
		t.Error("symbol table present: -ldflags -s did not apply")
	}

	out, err := exec.Command(bin, "version").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "sipprobe v0.0.0-dockerfile-test\n") {
		t.Errorf("version: %v\n%s", err, out)
	}

	// The compose example's agent config, as the image would load it.
	check := exec.Command(bin, "run", "--check", composeAgent)
	check.Env = append(os.Environ(), "PBX_120_PASSWORD=x", "SIPPROBE_DB="+filepath.Join(t.TempDir(), "history.db"))
	out, err = check.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "nothing was sent") {
		t.Errorf("run --check %s: %v\n%s", composeAgent, err, out)
	}
}

var (
	composeVolumeRE  = regexp.MustCompile(`(?m)^\s*- \./([^:]+):([^:]+)(?::ro)?$`)
	passwordEnvKeyRE = regexp.MustCompile(`(?m)^\s*password_env\s*=\s*"([^"]+)"`)
	pjsipIncludeRE   = regexp.MustCompile(`(?m)^#include (\S+)$`)
)

// TestDockerCompose checks that the compose example's pieces fit: the
// files it mounts exist, the agent's config lands where the image reads
// it, every password the agent reads is in the env file it gets, and the
// password file Asterisk includes is the one the entrypoint writes.
func TestDockerCompose(t *testing.T) {
	compose := readFile(t, composeFile)
	mounts := map[string]string{}
	for _, m := range composeVolumeRE.FindAllStringSubmatch(compose, -1) {
		mounts[m[2]] = m[1]
		if _, err := os.Stat(filepath.Join("docker", m[1])); err != nil {
			t.Errorf("mounts %s: %v", m[1], err)
		}
	}
	if mounts["/etc/sipprobe/agent.toml"] != "agent.toml" {
		t.Errorf("agent.toml not mounted at the image's --config path: %v", mounts)
	}
	if !strings.Contains(compose, "sipprobe-history:/var/lib/sipprobe") || !strings.Contains(readFile(t, dockerfile), "ENV SIPPROBE_DB=/var/lib/sipprobe/") {
		t.Error("the history is not on the volume: want SIPPROBE_DB under /var/lib/sipprobe and the volume there")
	}
	if !strings.Contains(compose, "env_file: sipprobe.env") {
		t.Error("no env_file: sipprobe.env")
	}
	env := readFile(t, composeEnv)
	for _, m := range passwordEnvKeyRE.FindAllStringSubmatch(readFile(t, composeAgent), -1) {
		if !regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(m[1]) + `=`).MatchString(env) {
			t.Errorf("agent.toml reads %s, which %s does not set", m[1], composeEnv)
		}
		if !strings.Contains(compose, `"$$`+m[1]+`"`) {
			t.Errorf("Asterisk does not get %s: the agent would log in with a password the PBX does not know", m[1])
		}
	}
	inc := pjsipIncludeRE.FindStringSubmatch(readFile(t, asteriskPJSIP))
	if inc == nil || !strings.Contains(compose, "> /etc/asterisk/"+inc[1]) {
		t.Errorf("pjsip.conf includes %v, which the compose entrypoint does not write", inc)
	}
}
