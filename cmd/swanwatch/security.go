package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/swanwatch/swanwatch/internal/audit"
	"github.com/swanwatch/swanwatch/internal/config"
	"github.com/swanwatch/swanwatch/internal/secret"
	"github.com/swanwatch/swanwatch/internal/smcrypto"
	"github.com/swanwatch/swanwatch/internal/statestore"
)

const securityUsage = `
  swanwatch audit keygen --key FILE       a new key file (32 random bytes, mode 0600) for the audit chain or secrets
  swanwatch audit verify --key FILE (--config FILE | --state FILE)
                                          check the audit trail's chain; exit 1 names the first broken row
  swanwatch audit export --from T --to T [--format csv|jsonl] [-o FILE] [--key FILE] (--config FILE | --state FILE)
  swanwatch audit prune --key FILE [--before T] (--config FILE | --state FILE)
                                          delete rows older than 180 days (or T, if older), keeping the chain verifiable
  swanwatch secret seal|unseal --key FILE SECRET_FILE
                                          encrypt a *_file secret with SM4-GCM in place, or decrypt it
`

// cmdSecurity runs `swanwatch audit …` and `swanwatch secret …`.
func cmdSecurity(ctx context.Context, cmd string, args []string, io cmdIO) error {
	if len(args) == 0 {
		fmt.Fprint(io.err, securityUsage)
		return errUsage
	}
	run := map[string]func(context.Context, []string, cmdIO) error{
		"audit keygen": cmdAuditKeygen, "audit verify": cmdAuditVerify, "audit export": cmdAuditExport,
		"audit prune": cmdAuditPrune, "secret seal": cmdSecretSeal, "secret unseal": cmdSecretUnseal,
	}[cmd+" "+args[0]]
	if run == nil {
		fmt.Fprint(io.err, securityUsage)
		return fmt.Errorf("unknown %s command %q: %w", cmd, args[0], errUsage)
	}
	return run(ctx, args[1:], io)
}

func cmdAuditKeygen(_ context.Context, args []string, io cmdIO) error {
	fs := newFlags("audit keygen", io)
	key := fs.String("key", "", "key file to create (refused if it exists)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *key == "" {
		return fmt.Errorf("--key is required: %w", errUsage)
	}
	if err := smcrypto.GenerateKeyFile(*key); err != nil {
		return err
	}
	k, err := smcrypto.LoadKeyFile(*key)
	if err != nil {
		return err
	}
	fmt.Fprintf(io.out, "key file %s written (mode 0600, key id %s); keep a copy apart from the database backups\n",
		*key, k.ID())
	return nil
}

// stateFlags are the flags that find the state store: --state, or the
// configuration's storage path.
type stateFlags struct{ config, state, key *string }

func addStateFlags(fs interface {
	String(name, value, usage string) *string
}) stateFlags {
	return stateFlags{
		config: fs.String("config", "swanwatch.yaml", "configuration file (for the state store path)"),
		state:  fs.String("state", "", "the state store file (instead of --config)"),
		key:    fs.String("key", "", "the audit key file (audit.key_file)"),
	}
}

// open opens the state store and an audit log keyed with --key, if given.
func (f stateFlags) open(needKey bool) (*audit.Log, func(), error) {
	path := *f.state
	if path == "" {
		cfg, err := config.Load(*f.config)
		if err != nil {
			return nil, nil, fmt.Errorf("load %s: %w", *f.config, err)
		}
		path = cfg.Storage.StateFile()
	}
	if _, err := os.Stat(path); err != nil {
		return nil, nil, fmt.Errorf("state store: %w", err)
	}
	var opts []audit.Option
	switch {
	case *f.key != "":
		k, err := smcrypto.LoadKeyFile(*f.key)
		if err != nil {
			return nil, nil, err
		}
		opts = append(opts, audit.WithKey(k))
	case needKey:
		return nil, nil, fmt.Errorf("--key is required: %w", errUsage)
	}
	db, err := statestore.Open(path, slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, nil, fmt.Errorf("open state store: %w", err)
	}
	return audit.New(db, nil, opts...), func() { _ = db.Close() }, nil
}

func cmdAuditVerify(ctx context.Context, args []string, io cmdIO) error {
	fs := newFlags("audit verify", io)
	sf := addStateFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	l, closeDB, err := sf.open(true)
	if err != nil {
		return err
	}
	defer closeDB()
	rep, err := l.Check(ctx)
	if te := (*audit.TamperError)(nil); errors.As(err, &te) {
		fmt.Fprintf(io.out, "审计日志校验失败：第 %d 行（%s）%s\n", te.ID,
			te.Time.In(time.FixedZone("CST", 8*3600)).Format("2006-01-02 15:04:05"), te.What)
		return err
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(io.out, "审计日志校验通过：%d 行（SHA-256 %d 行，HMAC-SM3 %d 行），id %d–%d，末行 MAC %s\n",
		rep.Rows, rep.SHA256Rows, rep.KeyedRows, rep.FirstID, rep.LastID, rep.LastHash)
	return nil
}

func cmdAuditExport(ctx context.Context, args []string, io cmdIO) error {
	fs := newFlags("audit export", io)
	sf := addStateFlags(fs)
	from := fs.String("from", "", "first time (RFC 3339, unix seconds or YYYY-MM-DD in UTC+8)")
	to := fs.String("to", "", "end time, exclusive (same forms)")
	format := fs.String("format", audit.FormatCSV, "csv or jsonl")
	out := fs.String("o", "", "output file (default standard output)")
	if err := parse(fs, args); err != nil {
		return err
	}
	f, t, err := audit.ParseWindow(*from, *to)
	if err != nil {
		return fmt.Errorf("%v: %w", err, errUsage)
	}
	l, closeDB, err := sf.open(false)
	if err != nil {
		return err
	}
	defer closeDB()
	w := io.out
	if *out != "" {
		file, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fmt.Errorf("export file: %w", err)
		}
		defer file.Close()
		w = file
	}
	n, err := l.Export(ctx, w, f, t, *format)
	if err != nil {
		return err
	}
	fmt.Fprintf(io.err, "%d rows exported\n", n)
	if *sf.key != "" { // the console's export is a read of the trail too
		return l.Record(ctx, audit.Entry{User: "console", Action: "audit.export",
			Object: fmt.Sprintf("%s..%s %s", f.Format(time.RFC3339), t.Format(time.RFC3339), *format),
			Result: "success", Detail: fmt.Sprintf("rows=%d", n)})
	}
	return nil
}

func cmdAuditPrune(ctx context.Context, args []string, io cmdIO) error {
	fs := newFlags("audit prune", io)
	sf := addStateFlags(fs)
	before := fs.String("before", "", "delete rows before this time (at most now − 180 days, the default)")
	if err := parse(fs, args); err != nil {
		return err
	}
	t := time.Now().Add(-audit.Retention)
	if *before != "" {
		var err error
		if t, _, err = audit.ParseWindow(*before, ""); err != nil {
			return fmt.Errorf("--before: %v: %w", err, errUsage)
		}
	}
	l, closeDB, err := sf.open(true)
	if err != nil {
		return err
	}
	defer closeDB()
	n, err := l.Prune(ctx, t)
	if err != nil {
		return err
	}
	fmt.Fprintf(io.out, "%d rows pruned; the trail still verifies from its first kept row\n", n)
	return nil
}

func cmdSecretSeal(_ context.Context, args []string, io cmdIO) error {
	return sealCmd("secret seal", args, io, secret.SealFile, "sealed with SM4-GCM")
}

func cmdSecretUnseal(_ context.Context, args []string, io cmdIO) error {
	return sealCmd("secret unseal", args, io, secret.UnsealFile, "unsealed (plain text: seal it again)")
}

func sealCmd(name string, args []string, io cmdIO, do func(smcrypto.Key, string) error, done string) error {
	fs := newFlags(name, io)
	key := fs.String("key", "", "the secrets key file (secrets.key_file)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *key == "" || fs.NArg() != 1 {
		return fmt.Errorf("--key and one secret file are required: %w", errUsage)
	}
	k, err := smcrypto.LoadKeyFile(*key)
	if err != nil {
		return err
	}
	if err := do(k, fs.Arg(0)); err != nil {
		return err
	}
	fmt.Fprintf(io.out, "%s %s\n", fs.Arg(0), done)
	return nil
}
