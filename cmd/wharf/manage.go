package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"wharf"
	"wharf/accounts"
)

// multiFlag collects a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func runUser(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("user", flag.ContinueOnError)
	email := fs.String("email", "", "email address (required, but for service accounts)")
	admin := fs.Bool("admin", false, "make the user an administrator")
	service := fs.Bool("service", false, "a service account for CI: tokens only, no web login, exempt from require_2fa")
	pwStdin := fs.Bool("password-stdin", false, "read a password for web login from the first line of stdin")
	a, pos, err := setup(ctx, fs, args, stderr, 2)
	if err != nil {
		return err
	}
	defer a.Close()
	if pos[0] != "create" || (*email == "" && !*service) || (*service && (*admin || *pwStdin)) {
		return errUsage
	}
	if *service {
		u, err := a.accounts.CreateServiceUser(ctx, cliActor(), pos[1], *email)
		if err != nil {
			return err
		}
		fmt.Fprintf(stderr, "created service account %s (id %d)\n", u.Name, u.ID)
		return nil
	}
	var pw string
	if *pwStdin {
		line, err := bufio.NewReader(io.LimitReader(stdin, 8192)).ReadString('\n')
		if err != nil && err != io.EOF {
			return err
		}
		pw = strings.TrimRight(line, "\r\n")
		if pw == "" {
			return fmt.Errorf("no password on stdin")
		}
	}
	u, err := a.accounts.CreateUser(ctx, cliActor(), pos[1], *email, *admin, pw)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "created user %s (id %d)\n", u.Name, u.ID)
	return nil
}

func runToken(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	var projects multiFlag
	fs.Var(&projects, "project", "limit the token to this project (repeatable)")
	expires := fs.String("expires", "", "lifetime, e.g. 90d or 12h (default: no expiry); narrow also takes a time or a date")
	desc := fs.String("description", "", "what the token is for")
	a, pos, err := setup(ctx, fs, args, stderr, 2)
	if err != nil {
		return err
	}
	defer a.Close()
	switch pos[0] {
	case "create":
		req := accounts.TokenRequest{User: pos[1], Projects: projects, Description: *desc}
		if *expires != "" {
			if req.Expires, err = parseDuration(*expires); err != nil {
				return err
			}
		}
		raw, rec, err := a.accounts.CreateToken(ctx, cliActor(), req)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, raw)
		fmt.Fprintf(stderr, "created token %s for %s\n", rec.ID, req.User)
		return nil
	case "list":
		toks, err := a.accounts.Tokens(ctx, pos[1])
		if err != nil {
			return err
		}
		var u *wharf.User
		if err := a.store.View(ctx, func(tx wharf.Tx) (err error) { u, err = tx.UserByName(ctx, pos[1]); return err }); err != nil {
			return err
		}
		if u.Service {
			fmt.Fprintf(stdout, "%s is a service account: tokens only, no web login, exempt from require_2fa\n", u.Name)
		}
		fmt.Fprintf(stdout, "%-32s  %-20s  %-20s  %-20s  %-8s  %s\n", "ID", "CREATED", "LAST USED", "EXPIRES", "STATE", "SCOPE / DESCRIPTION")
		for _, t := range toks {
			scope := "all projects"
			if len(t.Projects) > 0 {
				scope = strings.Join(t.Projects, ",")
			}
			state := "active"
			if t.Revoked {
				state = "revoked"
			} else if !t.Expires.IsZero() && time.Now().After(t.Expires) {
				state = "expired"
			}
			fmt.Fprintf(stdout, "%-32s  %-20s  %-20s  %-20s  %-8s  %s %s\n", t.ID, fmtTime(t.Created), fmtTime(t.LastUsed),
				fmtTime(t.Expires), state, scope, t.Description)
		}
		return nil
	case "revoke":
		if err := a.accounts.RevokeToken(ctx, cliActor(), pos[1]); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "revoked token %s\n", pos[1])
		return nil
	case "narrow":
		// The record is narrowed on the server, so copies of the token
		// already handed out are bound too (unlike token restrict).
		var until time.Time
		if *expires != "" {
			if until, err = parseExpiry(*expires, time.Now()); err != nil {
				return err
			}
		}
		if err := a.accounts.RestrictToken(ctx, cliActor(), pos[1], projects, until); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "narrowed token %s\n", pos[1])
		return nil
	}
	return errUsage
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format("2006-01-02 15:04:05")
}

func runProject(ctx context.Context, args []string, _ io.Reader, _, stderr io.Writer) error {
	fs := flag.NewFlagSet("project", flag.ContinueOnError)
	a, pos, err := setup(ctx, fs, args, stderr, 4)
	if err != nil {
		return err
	}
	defer a.Close()
	if pos[0] != "role" {
		return errUsage
	}
	roles := map[string]string{"owner": wharf.RoleOwner, "maintainer": wharf.RoleMaintainer, "remove": ""}
	role, ok := roles[strings.ToLower(pos[3])]
	if !ok {
		return errUsage
	}
	if err := a.manage.SetRole(ctx, cliActor(), pos[1], pos[2], role); err != nil {
		return err
	}
	if role == "" {
		fmt.Fprintf(stderr, "%s: %s has no role any more\n", pos[1], pos[2])
	} else {
		fmt.Fprintf(stderr, "%s: %s is now %s\n", pos[1], pos[2], strings.ToLower(role))
	}
	return nil
}

func runYank(ctx context.Context, args []string, _ io.Reader, _, stderr io.Writer) error {
	fs := flag.NewFlagSet("yank", flag.ContinueOnError)
	reason := fs.String("reason", "", "why the release is yanked")
	a, pos, err := setup(ctx, fs, args, stderr, 2)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.manage.Yank(ctx, cliActor(), pos[0], pos[1], *reason); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "yanked %s %s\n", pos[0], pos[1])
	return nil
}

func runUnyank(ctx context.Context, args []string, _ io.Reader, _, stderr io.Writer) error {
	fs := flag.NewFlagSet("unyank", flag.ContinueOnError)
	a, pos, err := setup(ctx, fs, args, stderr, 2)
	if err != nil {
		return err
	}
	defer a.Close()
	if err := a.manage.Unyank(ctx, cliActor(), pos[0], pos[1]); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "unyanked %s %s\n", pos[0], pos[1])
	return nil
}

func runDelete(ctx context.Context, args []string, _ io.Reader, _, stderr io.Writer) error {
	fs := flag.NewFlagSet("delete", flag.ContinueOnError)
	a, pos, err := setup(ctx, fs, args, stderr, 2, 3)
	if err != nil {
		return err
	}
	defer a.Close()
	filename := ""
	if len(pos) == 3 {
		filename = pos[2]
	}
	if err := a.manage.Delete(ctx, cliActor(), pos[0], pos[1], filename); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "deleted %s\n", strings.Join(pos, " "))
	return nil
}
