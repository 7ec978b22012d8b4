package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"wharf/render"
)

// runRender prints the sanitised HTML that a project page embeds for a
// README, so that authors can check a description before uploading it.
// FILE "-" reads standard input. --type takes a Description-Content-Type
// as uploaded ("" means reStructuredText, as on PyPI). A README that
// cannot be rendered exits 1 with the reason, which is what an upload
// would be refused with.
func runRender(_ context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("render", flag.ContinueOnError)
	fs.SetOutput(stderr)
	typ := fs.String("type", "", "the Description-Content-Type (text/markdown, text/x-rst, text/plain)")
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) != 1 {
		return errUsage
	}
	src, err := readSource(pos[0], stdin)
	if err != nil {
		return err
	}
	res, err := render.Render(*typ, string(src), render.Options{})
	var rerr *render.Error
	if errors.As(err, &rerr) {
		fmt.Fprintf(stderr, "wharf: %s\n", rerr.Error())
		return errFailed
	}
	if err != nil {
		return err
	}
	_, err = io.WriteString(stdout, res.HTML)
	return err
}

// readSource reads a README from a file, or from stdin when name is "-",
// reading one byte past the size limit so that Render can refuse it.
func readSource(name string, stdin io.Reader) ([]byte, error) {
	r := stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}
	return io.ReadAll(io.LimitReader(r, render.DefaultMaxSize+1))
}
