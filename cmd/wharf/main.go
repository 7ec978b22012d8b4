// Command wharf is a self-hosted Python package index: "wharf serve" runs
// it, and the other subcommands manage users, tokens, projects and data,
// also while the server runs.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"syscall"

	"wharf"
)

const usage = `usage: wharf <command> [arguments]

Commands:
  serve    [--addr 127.0.0.1:8080] [--base-url URL]    run the index
  user     create NAME --email ADDR [--admin] [--password-stdin]
           create NAME --service [--email ADDR]
  token    create USER [--project NAME]... [--expires 90d] [--description TEXT]
           list USER | revoke ID
           narrow ID [--project NAME]... [--expires 30d|TIME]
           restrict TOKEN|- [--project NAME]... [--expires 30d|TIME]
  project  role PROJECT USER owner|maintainer|remove
  yank     PROJECT VERSION [--reason TEXT]
  unyank   PROJECT VERSION
  delete   PROJECT VERSION [FILENAME]
  import   DIR --user NAME [--jobs N]
  audit    export [--user NAME] [--project NAME] --since 30d|TIME
           retain
  fsck     [--repair]
  render   [--type TYPE] FILE|-
  log      key | audit
           witness --index URL --key VERIFIER [--witness-key FILE]
           witness-key [--witness-key FILE] [--name NAME]
  verify   --index URL --key VERIFIER [--witness KEY]... FILE|requirements.txt...

Every command but token restrict and verify takes --data DIR (default
./wharf-data, or WHARF_DATA) and --config FILE (wharf.toml, or WHARF_CONFIG).
`

// command runs one subcommand with its arguments.
type command func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error

func commands() map[string]command {
	return map[string]command{
		"serve":   runServe,
		"user":    runUser,
		"token":   runTokenCommand,
		"project": runProject,
		"yank":    runYank,
		"unyank":  runUnyank,
		"delete":  runDelete,
		"import":  runImport,
		"audit":   runAudit,
		"fsck":    runFsck,
		"render":  runRender,
		"log":     runLog,
		"verify":  runVerify,
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// errUsage marks a mistake in the command line; run prints the usage.
var errUsage = errors.New("usage")

// errFailed means the command printed its own report and should exit 1.
var errFailed = errors.New("failed")

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stderr, usage)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	cmd, ok := commands()[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "wharf: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	err := cmd(ctx, args[1:], stdin, stdout, stderr)
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errFailed):
		return 1
	case errors.Is(err, errUsage), errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stderr, usage)
		return 2
	default:
		fmt.Fprintf(stderr, "wharf: %s\n", userMessage(err))
		return 1
	}
}

// userMessage prefers a coded error's safe message, adding the cause for
// internal errors since the operator is the one reading it.
func userMessage(err error) string {
	var e *wharf.Error
	if errors.As(err, &e) {
		if e.Code == wharf.EINTERNAL && e.Err != nil {
			return e.Message + ": " + e.Err.Error()
		}
		return e.Message
	}
	return err.Error()
}

// newLogger returns a JSON logger on w at the given level.
func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	_ = l.UnmarshalText([]byte(level))
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: l}))
}

// setup parses a command's flags, checks that it was given one of the
// allowed numbers of positional arguments, and opens the app. A usage
// error thus touches no data folder.
func setup(ctx context.Context, fs *flag.FlagSet, args []string, stderr io.Writer, nargs ...int) (*app, []string, error) {
	fs.SetOutput(stderr)
	load := commonFlags(fs)
	pos, err := parseArgs(fs, args)
	if err != nil || !slices.Contains(nargs, len(pos)) {
		return nil, nil, errUsage
	}
	cfg, err := load()
	if err != nil {
		return nil, nil, err
	}
	a, err := openApp(ctx, cfg, newLogger(stderr, "warn"))
	if err != nil {
		return nil, nil, err
	}
	return a, pos, nil
}
