package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// commandNames are the commands completion and the man page must know.
var commandNames = []string{"options", "register", "invite", "run", "history", "catalog", "demo", "version", "completion", "man"}

func TestCompletionScripts(t *testing.T) {
	tests := []struct {
		shell string
		want  []string
	}{
		{"bash", []string{"complete ", "sipprobe", completeFlag}},
		{"zsh", []string{"#compdef sipprobe", "compdef _sipprobe sipprobe", completeFlag}},
		{"fish", append([]string{"complete -c sipprobe"}, commandNames...)},
		{"BASH", []string{"complete ", "sipprobe"}},
	}
	for _, tt := range tests {
		t.Run(tt.shell, func(t *testing.T) {
			code, out, stderr := runMain(t, "completion", tt.shell)
			if code != 0 || strings.TrimSpace(out) == "" {
				t.Fatalf("exit %d, stdout %q, stderr %q", code, out, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("%s script lacks %q", tt.shell, w)
				}
			}
		})
	}
}

func TestCompletionUsageErrors(t *testing.T) {
	for _, args := range [][]string{{"completion"}, {"completion", "tcsh"}, {"completion", "bash", "zsh"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			if code, _, stderr := runMain(t, args...); code != 3 || !strings.Contains(stderr, "bash, zsh or fish") {
				t.Errorf("exit %d, stderr %q; want 3 and the shells", code, stderr)
			}
		})
	}
}

// TestCompletionRequests: what the bash and zsh scripts ask the binary.
func TestCompletionRequests(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		want   []string
		absent []string
	}{
		{"commands", []string{completeFlag}, commandNames, nil},
		{"flags of a command", []string{"options", "--ser", completeFlag}, []string{"--server", "--server-name"}, []string{"--timeout", "-s"}},
		{"flags of run after its file", []string{"run", "missing.toml", "--par", completeFlag}, []string{"--parallel"}, nil},
		{"short flags after one dash", []string{"options", "-", completeFlag}, []string{"-s", "-t", "--server"}, nil},
		{"subcommands", []string{"catalog", completeFlag}, []string{"list", "show", "explain"}, []string{"options"}},
		{"a used flag is not offered again", []string{"options", "--timeout", "1s", "--t", completeFlag}, []string{"--transport", "--trace"}, []string{"--timeout"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := runMain(t, tt.args...)
			if code != 0 {
				t.Fatalf("exit %d, stderr %q", code, stderr)
			}
			words := strings.Fields(out)
			for _, w := range tt.absent {
				if slices.Contains(words, w) {
					t.Errorf("completion %v = %q offers %q", tt.args, words, w)
				}
			}
			for _, w := range tt.want {
				if !slices.Contains(words, w) {
					t.Errorf("completion %v = %q, lacks %q", tt.args, words, w)
				}
			}
		})
	}
}

// TestBashCompletionScript checks the script's syntax with bash -n, then
// runs its function against a stub sipprobe that answers like the binary.
func TestBashCompletionScript(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	_, script, _ := runMain(t, "completion", "bash")
	path := filepath.Join(t.TempDir(), "sipprobe.bash")
	if err := os.WriteFile(path, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(bash, "-n", path).CombinedOutput(); err != nil {
		t.Fatalf("bash -n: %v\n%s", err, out)
	}
	stub := `sipprobe() { [ "$*" = "reg --generate-bash-completion" ] && exit 9; printf '%s\n' options register run; }
source "$1"
COMP_WORDS=(sipprobe re); COMP_CWORD=1
_sipprobe_complete
echo "${COMPREPLY[*]}"`
	out, err := exec.Command(bash, "-c", stub, "bash", path).CombinedOutput()
	if err != nil {
		t.Fatalf("bash: %v\n%s", err, out)
	}
	if got := strings.TrimSpace(string(out)); got != "register" {
		t.Errorf("completing \"sipprobe re\" gave %q, want register", got)
	}
}

func TestManPage(t *testing.T) {
	code, page, stderr := runMain(t, "man")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	if !strings.HasPrefix(page, ".") || !strings.Contains(page, ".TH sipprobe 1") {
		t.Errorf("not a section 1 roff page: %.200q", page)
	}
	for _, c := range commandNames {
		if !strings.Contains(page, c) {
			t.Errorf("man page lacks the command %q", c)
		}
	}
	man, err := exec.LookPath("man")
	if err != nil {
		return // the roff checks above are what we can do
	}
	path := filepath.Join(t.TempDir(), "sipprobe.1")
	if err := os.WriteFile(path, []byte(page), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(man, "-l", path)
	cmd.Env = append(os.Environ(), "MANPAGER=cat", "PAGER=cat", "MANWIDTH=100")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("man -l: %v", err)
	}
	for _, w := range []string{"NAME", "sipprobe", "register", "completion"} {
		if !strings.Contains(string(out), w) {
			t.Errorf("rendered man page lacks %q:\n%.500s", w, out)
		}
	}
}
