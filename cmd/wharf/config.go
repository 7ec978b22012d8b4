package main

import (
	"flag"
	"fmt"
	"math"
	"net"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// Config is wharf's whole configuration: wharf.toml, then WHARF_*
// environment variables, then flags, then Validate.
type Config struct {
	Addr     string `toml:"addr"`
	Data     string `toml:"data"`
	BaseURL  string `toml:"base_url"`
	LogLevel string `toml:"log_level"`
	Upload   struct {
		MaxFileSize        string   `toml:"max_file_size"`    // e.g. "100MiB"
		MaxProjectSize     string   `toml:"max_project_size"` // e.g. "10GiB"
		NewFileDays        int      `toml:"new_file_days"`    // 0 disables the window
		PyPIPlatformTags   bool     `toml:"pypi_platform_tags"`
		ProhibitedNames    []string `toml:"prohibited_names"`
		NewProjectsPerHour int      `toml:"new_projects_per_hour"`
	} `toml:"upload"`
	Cache struct {
		Projects int `toml:"projects"`
	} `toml:"cache"`
	// Accounts configures web login.
	Accounts struct {
		// Require2FA is "all", "publishers" (the default) or "off".
		Require2FA string `toml:"require_2fa"`
		// BreachAPI is the base URL of a k-anonymity breached-password
		// range API (HIBP-compatible); empty disables the check.
		BreachAPI string `toml:"breach_api"`
		// Limits are moving-window rate limits, each a list such as
		// "5/5m, 20/1h, 50/1d" (N events per window); empty keeps PyPI's.
		Limits struct {
			LoginUser     string `toml:"login_user"`
			LoginIP       string `toml:"login_ip"`
			SecondFactor  string `toml:"second_factor"`
			PasswordReset string `toml:"password_reset"`
			EmailAdd      string `toml:"email_add"`
			Register      string `toml:"register"`
		} `toml:"limits"`
	} `toml:"accounts"`
	// Mail configures how wharf sends mail.
	Mail struct {
		From string `toml:"from"`
		// SMTPHost empty means development mode: every mail is written to
		// <data>/outbox and logged, and none is sent.
		SMTPHost     string `toml:"smtp_host"`
		SMTPPort     int    `toml:"smtp_port"`
		SMTPUsername string `toml:"smtp_username"`
		SMTPPassword string `toml:"smtp_password"` // or WHARF_SMTP_PASSWORD
		SMTPTLS      string `toml:"smtp_tls"`      // starttls, tls or none
	} `toml:"mail"`
	// Images configures the proxy through which project pages show
	// README images, so that readers' browsers never contact third parties.
	Images struct {
		// Proxy off leaves README images unproxied, and the pages' strict
		// Content-Security-Policy then keeps them from loading.
		Proxy        bool   `toml:"proxy"`
		MaxSize      string `toml:"max_size"` // e.g. "5MiB"
		Timeout      string `toml:"timeout"`  // one fetch, e.g. "10s"
		AllowPrivate bool   `toml:"allow_private"`

		maxSize int64
		timeout time.Duration
	} `toml:"images"`
	// Log configures the transparency log.
	Log struct {
		// Name names the log and its key when the key is first made;
		// default: the base URL's host and path, else the machine's name.
		Name string `toml:"name"`
		// KeyFile holds the Ed25519 signer key; default <data>/log.key,
		// made at first start. A configured file must exist.
		KeyFile string `toml:"key_file"`
		// Witnesses are verifier keys whose cosignatures are accepted.
		Witnesses []string `toml:"witnesses"`
	} `toml:"log"`
	// SecretScanning configures POST /_/secrets/disclose-token, where
	// secret scanners report leaked tokens. Their keys are configured, not
	// fetched, since the index may not reach the internet.
	SecretScanning struct {
		Keys []ScannerKeyConfig `toml:"keys"`
	} `toml:"secret_scanning"`
	// Audit configures the audit records.
	Audit struct {
		// IPRetention is how long the IP addresses in audit records stay
		// readable before they are replaced by a keyed hash: a duration
		// such as "90d" or "720h", more than zero (there is no "keep
		// forever"). Default 90d.
		IPRetention string `toml:"ip_retention"`

		ipRetention time.Duration
	} `toml:"audit"`

	maxFileSize, maxProjectSize int64
}

// ScannerKeyConfig is one secret scanner's public key. GitHub lists its
// keys at https://api.github.com/meta/public_keys/secret_scanning.
type ScannerKeyConfig struct {
	// ID is the key identifier the scanner sends with each report.
	ID string `toml:"id"`
	// Key is the ECDSA P-256 public key in PEM form; it is parsed when
	// the server starts.
	Key string `toml:"key"`
}

func defaultConfig() Config {
	var c Config
	c.Addr = "127.0.0.1:8080"
	c.Data = "./wharf-data"
	c.LogLevel = "info"
	c.Upload.MaxFileSize = "100MiB"
	c.Upload.MaxProjectSize = "10GiB"
	c.Upload.NewFileDays = 14
	c.Upload.NewProjectsPerHour = 100
	c.Cache.Projects = 100000
	c.Images.Proxy = true
	c.Images.MaxSize = "5MiB"
	c.Images.Timeout = "10s"
	c.Accounts.Require2FA = "publishers"
	c.Mail.From = "wharf@localhost"
	c.Audit.IPRetention = "90d"
	return c
}

// commonFlags registers the flags every command takes and returns a
// function that loads the configuration once the flags are parsed.
func commonFlags(fs *flag.FlagSet) func() (Config, error) {
	config := fs.String("config", os.Getenv("WHARF_CONFIG"), "configuration file (TOML)")
	data := fs.String("data", "", "data folder (default ./wharf-data, or WHARF_DATA)")
	return func() (Config, error) {
		c := defaultConfig()
		if *config != "" {
			md, err := toml.DecodeFile(*config, &c)
			if err != nil {
				return c, fmt.Errorf("reading %s: %w", *config, err)
			}
			// A misspelt setting would otherwise be ignored in silence.
			if und := md.Undecoded(); len(und) > 0 {
				return c, fmt.Errorf("reading %s: unknown setting %q", *config, und[0].String())
			}
		}
		envOverride(&c.Addr, "WHARF_ADDR")
		envOverride(&c.Data, "WHARF_DATA")
		envOverride(&c.BaseURL, "WHARF_BASE_URL")
		envOverride(&c.LogLevel, "WHARF_LOG_LEVEL")
		envOverride(&c.Accounts.Require2FA, "WHARF_REQUIRE_2FA")
		envOverride(&c.Mail.SMTPPassword, "WHARF_SMTP_PASSWORD")
		if *data != "" {
			c.Data = *data
		}
		return c, nil
	}
}

func envOverride(dst *string, key string) {
	if v, ok := os.LookupEnv(key); ok && v != "" {
		*dst = v
	}
}

// Validate checks the configuration and fills derived values.
func (c *Config) Validate() error {
	var err error
	if c.Data == "" {
		return fmt.Errorf("the data folder must be set")
	}
	if c.maxFileSize, err = parseSize(c.Upload.MaxFileSize); err != nil {
		return fmt.Errorf("upload.max_file_size: %w", err)
	}
	if c.maxProjectSize, err = parseSize(c.Upload.MaxProjectSize); err != nil {
		return fmt.Errorf("upload.max_project_size: %w", err)
	}
	if c.Images.maxSize, err = parseSize(c.Images.MaxSize); err != nil {
		return fmt.Errorf("images.max_size: %w", err)
	}
	// A fetch holds one of a few slots while it runs; minutes would let
	// slow upstreams starve the others.
	if c.Images.timeout, err = parseDuration(c.Images.Timeout); err != nil || c.Images.timeout > 5*time.Minute {
		return fmt.Errorf("images.timeout must be a duration of at most 5m, not %q", c.Images.Timeout)
	}
	if c.Upload.NewFileDays < 0 || c.Upload.NewProjectsPerHour < 0 || c.Cache.Projects < 0 {
		return fmt.Errorf("upload and cache limits must not be negative")
	}
	if c.Upload.NewFileDays > maxDays {
		return fmt.Errorf("upload.new_file_days must be at most %d", maxDays)
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("addr %q must be host:port: %w", c.Addr, err)
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("base_url %q must be an absolute http or https URL", c.BaseURL)
		}
	}
	if c.Log.Name != "" && strings.ContainsAny(c.Log.Name, "+ \t\r\n") {
		return fmt.Errorf("log.name %q must not contain spaces or '+'", c.Log.Name)
	}
	if _, err := c.accountLimits(); err != nil {
		return err
	}
	if c.Audit.ipRetention, err = parseDuration(c.Audit.IPRetention); err != nil {
		return fmt.Errorf("audit.ip_retention must be a duration of more than zero: %w", err)
	}
	switch c.Accounts.Require2FA {
	case "all", "publishers", "off":
	default:
		return fmt.Errorf("accounts.require_2fa must be all, publishers or off, not %q", c.Accounts.Require2FA)
	}
	for i, k := range c.SecretScanning.Keys {
		if k.ID == "" || k.Key == "" {
			return fmt.Errorf("secret_scanning.keys[%d] needs an id and a key", i)
		}
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("log_level must be debug, info, warn or error, not %q", c.LogLevel)
	}
	return nil
}

// parseSize reads "100MiB", "10GiB", "512KiB", "1000" (bytes); MB and GB
// are taken as their binary counterparts, as PyPI states its limits.
func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	units := []struct {
		suffix string
		mult   int64
	}{{"TiB", 1 << 40}, {"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"TB", 1 << 40}, {"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"B", 1}}
	mult := int64(1)
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.mult
			break
		}
	}
	var n int64
	if _, err := fmt.Sscanf(s, "%d", &n); err != nil || n <= 0 || fmt.Sprint(n) != s {
		return 0, fmt.Errorf("%q is not a size such as 100MiB", s)
	}
	if n > (1<<62)/mult {
		return 0, fmt.Errorf("%q is too large", s)
	}
	return n * mult, nil
}

// maxDays is the most days a time.Duration holds (about 292 years).
const maxDays = int(math.MaxInt64 / int64(24*time.Hour))

// parseDuration accepts Go durations plus a "d" suffix for days ("90d").
func parseDuration(s string) (time.Duration, error) {
	if d, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		if _, err := fmt.Sscanf(d, "%d", &n); err != nil || n <= 0 || fmt.Sprint(n) != d {
			return 0, fmt.Errorf("%q is not a duration such as 90d or 12h", s)
		}
		// Beyond maxDays the multiplication would wrap around.
		if n > maxDays {
			return 0, fmt.Errorf("%q is too long", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	v, err := time.ParseDuration(s)
	if err != nil || v <= 0 {
		return 0, fmt.Errorf("%q is not a duration such as 90d or 12h", s)
	}
	return v, nil
}

// parseArgs parses flags that may come before, between or after the
// positional arguments ("user create NAME --email X") and returns the
// positional ones. Everything after a "--" is positional.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		// Parse stops at a positional argument, or just after a "--" it
		// consumes and so leaves out of rest.
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" && !isFlagValue(fs, args, n-1) {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// isFlagValue reports whether args[i] is the value of the flag before it,
// as in "--reason --".
func isFlagValue(fs *flag.FlagSet, args []string, i int) bool {
	if i == 0 || !strings.HasPrefix(args[i-1], "-") || args[i-1] == "--" {
		return false
	}
	name := strings.TrimPrefix(strings.TrimPrefix(args[i-1], "-"), "-")
	if strings.Contains(name, "=") {
		return false
	}
	f := fs.Lookup(name)
	if f == nil {
		return false
	}
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return !ok || !b.IsBoolFlag()
}
