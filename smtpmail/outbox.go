package smtpmail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"time"

	"wharf"
)

// outboxFrom is the sender of mail an Outbox writes.
const outboxFrom = "wharf <wharf@localhost>"

// Outbox is a development Mailer that writes each message as an .eml file
// into a folder instead of sending it, so that sign-up and reset links can
// be followed without a mail server. It is safe for concurrent use.
type Outbox struct {
	dir  string
	log  *slog.Logger
	from *mail.Address
	now  func() time.Time
}

var _ wharf.Mailer = (*Outbox)(nil)

// NewOutbox returns an Outbox writing into dir, which it creates with mode
// 0700 if it does not exist (an existing folder keeps its mode). Each Send
// logs one line to log naming the recipients, subject and file, never the
// body: it holds secret links.
func NewOutbox(dir string, log *slog.Logger) (*Outbox, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("smtpmail: outbox: %w", err)
	}
	from, err := mail.ParseAddress(outboxFrom)
	if err != nil {
		return nil, err
	}
	return &Outbox{dir: dir, log: log, from: from, now: time.Now}, nil
}

// Send writes m to a new file in the folder, named by time and a random
// suffix so names sort by arrival and never clash. The file is written
// under a temporary name, synced and renamed, so a reader never sees half a
// message. Files are 0600.
func (o *Outbox) Send(ctx context.Context, m wharf.Message) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	now := o.now()
	b, err := build(o.from, m, now)
	if err != nil {
		return err
	}
	var r [4]byte
	if _, err := rand.Read(r[:]); err != nil {
		return err
	}
	name := now.UTC().Format("20060102T150405.000000000Z") + "-" + hex.EncodeToString(r[:]) + ".eml"
	if err := writeAtomic(filepath.Join(o.dir, name), b.data); err != nil {
		return fmt.Errorf("smtpmail: outbox: %w", err)
	}
	o.log.Info("mail written to outbox", "to", strings.Join(b.rcpts, ","), "subject", m.Subject, "file", name)
	return nil
}

// writeAtomic writes data to a temporary file beside path, syncs it and
// renames it to path.
func writeAtomic(path string, data []byte) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
