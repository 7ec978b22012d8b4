package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"

	"wharf/tlog"
	"wharf/tlog/client"
	"wharf/translog"
)

// runLog runs "wharf log key|audit|witness".
func runLog(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errUsage
	}
	switch args[0] {
	case "key":
		return runLogKey(ctx, args[1:], stdout, stderr)
	case "audit":
		return runLogAudit(ctx, args[1:], stdout, stderr)
	case "witness":
		return runWitness(ctx, args[1:], stdout, stderr)
	case "witness-key":
		return runWitnessKey(args[1:], stdout, stderr)
	}
	return errUsage
}

// runLogKey prints the log's verifier key, which users pass to wharf
// verify.
func runLogKey(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	a, _, err := setup(ctx, flag.NewFlagSet("log key", flag.ContinueOnError), args, stderr, 0)
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Fprintln(stdout, a.tlog.VerifierKey())
	return nil
}

// runLogAudit recomputes the log from its records and checks it against
// the stored hashes, the latest checkpoint and the files.
func runLogAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	a, _, err := setup(ctx, flag.NewFlagSet("log audit", flag.ContinueOnError), args, stderr, 0)
	if err != nil {
		return err
	}
	defer a.Close()
	rep, err := a.tlog.Audit(ctx)
	if err != nil {
		return err
	}
	printAudit(stdout, rep)
	if len(rep.Problems) > 0 {
		return errFailed
	}
	return nil
}

// printAudit writes an audit's problems and a summary line.
func printAudit(w io.Writer, rep *translog.AuditReport) {
	for _, p := range rep.Problems {
		fmt.Fprintf(w, "PROBLEM: transparency log: %s\n", p)
	}
	fmt.Fprintf(w, "transparency log: %d records, latest checkpoint %d, %d files checked: %d problems\n",
		rep.Records, rep.Checkpoint, rep.Files, len(rep.Problems))
}

// userDir returns the folder for wharf's client-side state.
func userDir() string {
	if d, err := os.UserConfigDir(); err == nil {
		return filepath.Join(d, "wharf")
	}
	return ".wharf"
}

// runWitness verifies an index's latest checkpoint, checks it is
// consistent with the last one this witness saw, cosigns it and sends the
// cosignature to the index, which serves it with its checkpoint.
func runWitness(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("log witness", flag.ContinueOnError)
	fs.SetOutput(stderr)
	index := fs.String("index", "", "the index's base URL")
	vkey := fs.String("key", "", "the index's log verifier key (wharf log key)")
	keyFile := fs.String("witness-key", filepath.Join(userDir(), "witness.key"), "this witness's signer key, made if missing")
	name := fs.String("name", "", "name for a new witness key (default: this machine's name)")
	stateDir := fs.String("state", filepath.Join(userDir(), "witness"), "folder of checkpoints seen")
	if pos, err := parseArgs(fs, args); err != nil || len(pos) != 0 || *index == "" || *vkey == "" {
		return errUsage
	}
	signer, err := witnessSigner(*keyFile, *name)
	if err != nil {
		return err
	}
	c, err := client.New(*index, *vkey, &http.Client{Timeout: time.Minute})
	if err != nil {
		return err
	}
	cp, err := c.Checkpoint(ctx)
	if err != nil {
		return err
	}
	if _, err := (client.State{Dir: *stateDir}).Advance(ctx, c, cp); err != nil {
		return err
	}
	msg, err := note.Sign(&note.Note{Text: cp.Text()}, signer)
	if err != nil {
		return err
	}
	if err := postCosignature(ctx, *index, msg); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "cosigned checkpoint %d of %s as %s\n", cp.Size, cp.Origin, signer.Name())
	return nil
}

// runWitnessKey prints this witness's verifier key, for the index's
// log.witnesses setting, making the key first if needed.
func runWitnessKey(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("log witness-key", flag.ContinueOnError)
	fs.SetOutput(stderr)
	keyFile := fs.String("witness-key", filepath.Join(userDir(), "witness.key"), "this witness's signer key, made if missing")
	name := fs.String("name", "", "name for a new witness key (default: this machine's name)")
	if pos, err := parseArgs(fs, args); err != nil || len(pos) != 0 {
		return errUsage
	}
	s, err := witnessSigner(*keyFile, *name)
	if err != nil {
		return err
	}
	b, err := os.ReadFile(*keyFile)
	if err != nil {
		return err
	}
	vkey := translog.VerifierKeyOf(strings.TrimSpace(string(b)))
	if vkey == "" {
		return fmt.Errorf("witness key %s of %s is malformed", *keyFile, s.Name())
	}
	fmt.Fprintln(stdout, vkey)
	return nil
}

// witnessSigner loads the witness's signer key, making one on first use
// and printing its verifier key, which the index's log.witnesses needs.
func witnessSigner(path, name string) (note.Signer, error) {
	if name == "" {
		name = logName(Config{}) + "-witness"
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	b, err := loadOrCreatePrivate(path, func() ([]byte, error) {
		skey, _, err := tlog.GenerateKey(name)
		return []byte(skey + "\n"), err
	})
	if err != nil {
		return nil, fmt.Errorf("witness key: %w", err)
	}
	s, err := note.NewSigner(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("witness key %s: %w", path, err)
	}
	return s, nil
}

// postCosignature sends a cosigned checkpoint to the index.
func postCosignature(ctx context.Context, index string, msg []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(index, "/")+"/log/cosign", bytes.NewReader(msg))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	resp, err := (&http.Client{Timeout: time.Minute}).Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return fmt.Errorf("the index refused the cosignature: %s: %s", resp.Status, strings.TrimSpace(string(body)))
	}
	return nil
}
