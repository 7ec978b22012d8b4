package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"wharf/auth/token"
	"wharf/dist"
)

// runTokenCommand runs "wharf token": restrict works offline, on the token
// alone, so it is handled here before runToken opens the data folder for
// the other subcommands.
func runTokenCommand(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "restrict" {
		return runRestrict(args[1:], stdin, stdout, stderr, time.Now())
	}
	return runToken(ctx, args, stdin, stdout, stderr)
}

// runRestrict attenuates a token without the server: it appends project
// and expiry caveats to the macaroon and prints the new token, which can do
// at most what the old one could. TOKEN "-" reads the token from the first
// line of stdin, so that it need not appear in the shell's history.
func runRestrict(args []string, stdin io.Reader, stdout, stderr io.Writer, now time.Time) error {
	fs := flag.NewFlagSet("token restrict", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var projects multiFlag
	fs.Var(&projects, "project", "allow only this project (repeatable)")
	expires := fs.String("expires", "", "a lifetime such as 30d or 12h, an RFC 3339 time, or a date (valid through that day, UTC)")
	pos, err := parseArgs(fs, args)
	if err != nil || len(pos) != 1 || (len(projects) == 0 && *expires == "") {
		return errUsage
	}
	raw := pos[0]
	if raw == "-" {
		if raw, err = readTokenLine(stdin); err != nil {
			return err
		}
	}
	var names []string
	for _, p := range projects {
		if !dist.ValidName(p) {
			return fmt.Errorf("%q is not a valid project name", p)
		}
		names = append(names, dist.NormalizeName(p))
	}
	var notAfter time.Time
	if *expires != "" {
		if notAfter, err = parseExpiry(*expires, now); err != nil {
			return err
		}
	}
	out, err := token.Restrict(raw, names, notAfter)
	if errors.Is(err, token.ErrMalformed) {
		return errors.New("the token is not a wharf token (it starts with " + token.Prefix + ")")
	} else if err != nil {
		return err
	}
	fmt.Fprintln(stdout, out)
	var what []string
	if len(names) > 0 {
		what = append(what, "projects "+strings.Join(names, ", "))
	}
	if !notAfter.IsZero() {
		what = append(what, "valid until "+notAfter.UTC().Format(time.RFC3339)+" at the latest")
	}
	fmt.Fprintf(stderr, "restricted token: %s\n", strings.Join(what, "; "))
	return nil
}

// readTokenLine reads a token from the first line of r, reading no more
// than a token's maximum length.
func readTokenLine(r io.Reader) (string, error) {
	line, err := bufio.NewReaderSize(io.LimitReader(r, token.MaxLength+2), token.MaxLength+2).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no token on standard input")
	}
	return line, nil
}

// parseExpiry reads --expires: a lifetime from now ("30d", "12h"), an RFC
// 3339 time, or a date, which means through the end of that day in UTC.
// The result is at second precision, as the token's caveat, and must lie
// in the future.
func parseExpiry(s string, now time.Time) (time.Time, error) {
	t, ok := timeArg(s, now, false, true)
	if !ok {
		return time.Time{}, fmt.Errorf("--expires %q is not a lifetime (30d, 12h), an RFC 3339 time or a date (2006-01-02)", s)
	}
	t = t.Truncate(time.Second)
	if !t.After(now) {
		return time.Time{}, fmt.Errorf("--expires %q is not in the future", s)
	}
	return t, nil
}

// timeArg reads a time given on the command line: a lifetime ("30d",
// "12h") counted from now, forward or back, an RFC 3339 time, or a date,
// which means the start of that day in UTC, or its last second with
// endOfDay.
func timeArg(s string, now time.Time, back, endOfDay bool) (time.Time, bool) {
	if d, err := parseDuration(s); err == nil {
		if back {
			d = -d
		}
		return now.Add(d), true
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	if day, err := time.Parse(time.DateOnly, s); err == nil {
		if endOfDay {
			day = day.Add(24*time.Hour - time.Second)
		}
		return day, true
	}
	return time.Time{}, false
}
