package main

import (
	_ "embed"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/urfave/cli/v2"
)

// completeFlag, as the last argument, asks for the words that may follow
// (urfave/cli v2's convention); the bash and zsh scripts send it.
const completeFlag = "--generate-bash-completion"

// bashCompletion is urfave/cli v2's autocomplete/bash_autocomplete for the
// program sipprobe: it asks the binary itself, so it never goes stale.
const bashCompletion = `# bash completion for sipprobe
# Install: sipprobe completion bash > /etc/bash_completion.d/sipprobe
_sipprobe_complete() {
  local cur words cword
  COMPREPLY=()
  cur="${COMP_WORDS[COMP_CWORD]}"
  words=("${COMP_WORDS[@]:0:$COMP_CWORD}")
  local request
  if [[ "$cur" == "-"* ]]; then
    request="${words[*]} ${cur} ` + completeFlag + `"
  else
    request="${words[*]} ` + completeFlag + `"
  fi
  local opts
  opts=$(eval "${request}" 2>/dev/null)
  COMPREPLY=($(compgen -W "${opts}" -- "${cur}"))
  return 0
}
complete -o bashdefault -o default -F _sipprobe_complete sipprobe
`

// zshCompletion is urfave/cli v2's autocomplete/zsh_autocomplete.
const zshCompletion = `#compdef sipprobe
# zsh completion for sipprobe
# Install: sipprobe completion zsh > "${fpath[1]}/_sipprobe"
_sipprobe() {
  local -a opts
  local cur
  cur=${words[-1]}
  if [[ "$cur" == "-"* ]]; then
    opts=("${(@f)$(${words[@]:0:#words[@]-1} ${cur} ` + completeFlag + `)}")
  else
    opts=("${(@f)$(${words[@]:0:#words[@]-1} ` + completeFlag + `)}")
  fi
  if [[ "${opts[1]}" != "" ]]; then
    _describe 'values' opts
  else
    _files
  fi
}
compdef _sipprobe sipprobe
`

func completionCommand() *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print the shell completion script for bash, zsh or fish",
		UsageText: "sipprobe completion bash|zsh|fish",
		Description: "bash: sipprobe completion bash > /etc/bash_completion.d/sipprobe\n" +
			"zsh:  sipprobe completion zsh > \"${fpath[1]}/_sipprobe\"\n" +
			"fish: sipprobe completion fish > ~/.config/fish/completions/sipprobe.fish",
		Action: func(c *cli.Context) error {
			if c.Args().Len() != 1 {
				return usagef("completion: want one shell: bash, zsh or fish")
			}
			var script string
			switch shell := strings.ToLower(c.Args().First()); shell {
			case "bash":
				script = bashCompletion
			case "zsh":
				script = zshCompletion
			case "fish":
				s, err := c.App.ToFishCompletion()
				if err != nil {
					return &exitError{code: 3, err: fmt.Errorf("fish completion: %w", err)}
				}
				script = s
			default:
				return usagef("completion: %q is not bash, zsh or fish", shell)
			}
			_, err := fmt.Fprint(c.App.Writer, script)
			return err
		},
	}
}

// manPage is the manual page, rendered from the app by urfave/cli's
// ToManWithSection and kept in the repository: TestManPageCurrent fails
// when it no longer matches the flags, and -update rewrites it. Release
// builds then leave the markdown and roff generators out
// (-tags urfave_cli_no_docs): a monitoring server starts one process per
// check, and their package init is a tenth of a check's start-up.
//
//go:embed sipprobe.1
var manPage string

func manCommand() *cli.Command {
	return &cli.Command{
		Name:      "man",
		Usage:     "print the manual page (roff): sipprobe man > /usr/local/share/man/man1/sipprobe.1",
		UsageText: "sipprobe man",
		Action: func(c *cli.Context) error {
			_, err := io.WriteString(c.App.Writer, manPage)
			return err
		},
	}
}

// complete answers a completion request (args end in completeFlag) with the
// words that may follow: flags when the last word starts with "-", else the
// subcommands. urfave/cli's own completer reads os.Args instead of the
// arguments it is given, and reorderArgs would move the flag off the end,
// so run() answers before the app parses anything.
func complete(app *cli.App, args []string, w io.Writer) {
	words := args[1 : len(args)-1]
	cmds, flags := app.Commands, app.Flags
	for _, word := range words {
		if strings.HasPrefix(word, "-") {
			continue
		}
		next := findCommand(cmds, word)
		if next == nil {
			break // a positional argument: the command is known
		}
		cmds, flags = next.Subcommands, next.Flags
	}
	if n := len(words); n > 0 && strings.HasPrefix(words[n-1], "-") {
		completeFlags(flags, words[n-1], words[:n-1], w)
		return
	}
	for _, c := range cmds {
		if !c.Hidden {
			fmt.Fprintln(w, c.Name)
		}
	}
}

func findCommand(cmds []*cli.Command, name string) *cli.Command {
	for _, c := range cmds {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}

// completeFlags prints the flags that start with prefix and are not used
// yet: long names after "--", short ones too after a single "-".
func completeFlags(flags []cli.Flag, prefix string, used []string, w io.Writer) {
	long := strings.HasPrefix(prefix, "--")
	cur := strings.TrimLeft(prefix, "-")
	for _, f := range flags {
		if vf, ok := f.(cli.VisibleFlag); ok && !vf.IsVisible() {
			continue
		}
		if flagUsed(f, used) {
			continue
		}
		for _, name := range f.Names() {
			dashes := "--"
			if len(name) == 1 {
				if long {
					continue
				}
				dashes = "-"
			}
			if strings.HasPrefix(name, cur) {
				fmt.Fprintln(w, dashes+name)
			}
		}
	}
}

func flagUsed(f cli.Flag, words []string) bool {
	for _, word := range words {
		name, _, _ := strings.Cut(strings.TrimLeft(word, "-"), "=")
		if strings.HasPrefix(word, "-") && slices.Contains(f.Names(), name) {
			return true
		}
	}
	return false
}
