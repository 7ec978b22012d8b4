package main

import (
	"fmt"
	"strconv"
	"strings"

	"wharf/accounts"
)

// accountLimits parses the [accounts.limits] settings; an empty one keeps
// the accounts package's default (PyPI's).
func (c Config) accountLimits() (accounts.Limits, error) {
	var l accounts.Limits
	set := []struct {
		key string
		val string
		dst *[]accounts.Window
	}{
		{"login_user", c.Accounts.Limits.LoginUser, &l.LoginUser},
		{"login_ip", c.Accounts.Limits.LoginIP, &l.LoginIP},
		{"second_factor", c.Accounts.Limits.SecondFactor, &l.SecondFactor},
		{"password_reset", c.Accounts.Limits.PasswordReset, &l.PasswordReset},
		{"email_add", c.Accounts.Limits.EmailAdd, &l.EmailAdd},
		{"register", c.Accounts.Limits.Register, &l.Register},
	}
	for _, s := range set {
		ws, err := parseWindows(s.val)
		if err != nil {
			return l, fmt.Errorf("accounts.limits.%s: %w", s.key, err)
		}
		*s.dst = ws
	}
	return l, nil
}

// parseWindows reads "5/5m, 20/1h, 50/1d": N events per window.
func parseWindows(s string) ([]accounts.Window, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []accounts.Window
	for _, part := range strings.Split(s, ",") {
		n, per, ok := strings.Cut(strings.TrimSpace(part), "/")
		count, err := strconv.Atoi(n)
		if !ok || err != nil || count < 1 || count > 1_000_000 {
			return nil, fmt.Errorf("%q is not a limit such as 10/5m", part)
		}
		d, err := parseDuration(per)
		if err != nil {
			return nil, fmt.Errorf("%q is not a limit such as 10/5m", part)
		}
		out = append(out, accounts.Window{N: count, Per: d})
	}
	return out, nil
}
