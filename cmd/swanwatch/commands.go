package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/swanwatch/swanwatch/internal/app"
	"github.com/swanwatch/swanwatch/internal/config"
	"github.com/swanwatch/swanwatch/internal/demo"
	"github.com/swanwatch/swanwatch/internal/inventory"
	"github.com/swanwatch/swanwatch/rules"
)

func newFlags(name string, io cmdIO) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.err)
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return errUsage
	}
	return nil
}

func cmdRun(ctx context.Context, args []string, io cmdIO) error {
	fs := newFlags("run", io)
	file := fs.String("config", "swanwatch.yaml", "configuration file")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := config.Load(*file)
	if err != nil {
		printProblems(io, err)
		return fmt.Errorf("configuration %s is not valid", *file)
	}
	logger := newLogger(io.err, cfg.Log.Level, cfg.Log.Format)
	return app.Run(ctx, app.Options{ConfigFile: *file, Config: cfg, Logger: logger, Reload: hangups(ctx)})
}

func cmdDemo(ctx context.Context, args []string, io cmdIO) error {
	fs := newFlags("demo", io)
	opts := demo.Options{}
	fs.StringVar(&opts.DataDir, "data", "", "data directory (default: a new temporary directory)")
	fs.StringVar(&opts.Listen, "listen", "127.0.0.1:9330", "address of the web server")
	fs.IntVar(&opts.VMs, "vms", 3000, "number of simulated cloud VMs")
	fs.Float64Var(&opts.WANScale, "wan-scale", 0.1, "size of the simulated WAN (1 = reference estate, 0 = none)")
	fs.DurationVar(&opts.FaultAfter, "fault-after", 2*time.Minute, "when a town's uplink fails in the demo story (negative: never)")
	fs.DurationVar(&opts.FaultFor, "fault-for", 10*time.Minute, "how long the town's uplink stays down")
	fs.DurationVar(&opts.CloudStoryAfter, "cloud-story-after", 6*time.Minute, "when a hypervisor host fails and HA restarts its VMs (negative: never)")
	fs.DurationVar(&opts.SecurityStoryAfter, "security-story-after", 8*time.Minute, "when an outside address scans the border firewall (negative: never)")
	fs.DurationVar(&opts.ParkStoryAfter, "park-story-after", 4*time.Minute, "when a scenic-area camera is knocked aside and then a gate jams (negative: never)")
	if err := parse(fs, args); err != nil {
		return err
	}
	opts.Out = io.out
	opts.Logger = newLogger(io.err, "info", "text")
	opts.Reload = hangups(ctx)
	return runDemo(ctx, opts)
}

func cmdCheckConfig(args []string, io cmdIO) error {
	if len(args) != 1 {
		return errUsage
	}
	cfg, err := config.Load(args[0])
	if err != nil {
		printProblems(io, err)
		return fmt.Errorf("%s is not valid", args[0])
	}
	if errs := checkRuleFiles(cfg.Rules.Files); len(errs) > 0 {
		for _, e := range errs {
			fmt.Fprintln(io.err, e)
		}
		return fmt.Errorf("%s: %d rule file problem(s)", args[0], len(errs))
	}
	if _, err := app.BuildChannels(cfg, slog.New(slog.DiscardHandler)); err != nil {
		printProblems(io, err)
		return fmt.Errorf("%s: notification channels are not valid", args[0])
	}
	// The inventory's files are part of the configuration; the control plane's
	// HTTP export is not fetched here (it is checked when the server polls it).
	inv := cfg.Inventory
	inv.HTTP = nil
	targets, problems := inventory.Load(context.Background(), inv, inventory.Options{Kinds: app.KindNames})
	for _, p := range problems {
		fmt.Fprintln(io.err, p.String())
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s: %d inventory problem(s)", args[0], len(problems))
	}
	fmt.Fprintf(io.out, "%s: ok (%d inventory targets)\n", args[0], len(targets))
	return nil
}

// printProblems writes one problem per line (file:line: message).
func printProblems(io cmdIO, err error) {
	for _, line := range strings.Split(err.Error(), "\n") {
		fmt.Fprintln(io.err, line)
	}
}

func cmdCheckRules(args []string, io cmdIO) error {
	if len(args) == 0 {
		return errUsage
	}
	errs := rules.CheckFiles(args...)
	for _, e := range errs {
		fmt.Fprintln(io.err, e)
	}
	if len(errs) > 0 {
		return fmt.Errorf("%d problem(s) in rule files", len(errs))
	}
	fmt.Fprintf(io.out, "%d rule file(s): ok\n", len(args))
	return nil
}

func cmdInventory(args []string, io cmdIO) error {
	if len(args) == 0 || args[0] != "template" || len(args) > 2 {
		return errUsage
	}
	path := "资产清单模板.xlsx"
	if len(args) == 2 {
		path = args[1]
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("create template: %w", err)
	}
	if err := inventory.WriteTemplate(f, app.KindNames...); err != nil {
		f.Close()
		return fmt.Errorf("write template: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write template: %w", err)
	}
	fmt.Fprintf(io.out, "wrote %s\n", path)
	return nil
}

func cmdUser(ctx context.Context, args []string, io cmdIO) error {
	switch {
	case len(args) > 0 && args[0] == "add":
		return cmdUserAdd(ctx, args[1:], io)
	case len(args) > 0 && args[0] == "reset-totp":
		return cmdUserResetTOTP(ctx, args[1:], io)
	}
	return errUsage
}

// cmdUserResetTOTP forgets an administrator's second factor from the
// console: the way back in when the only security administrator lost the
// phone (on the web another security administrator does it).
func cmdUserResetTOTP(ctx context.Context, args []string, io cmdIO) error {
	fs := newFlags("user reset-totp", io)
	file := fs.String("config", "swanwatch.yaml", "configuration file (for the state store path)")
	name := fs.String("name", "", "the administrator whose TOTP is reset; they enrol again at the next login")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *name == "" {
		return fmt.Errorf("--name is required: %w", errUsage)
	}
	if err := app.ResetTOTP(ctx, *file, *name); err != nil {
		return err
	}
	fmt.Fprintf(io.out, "TOTP of %s reset; they enrol a new one at their next login (audited as user.totp_reset)\n", *name)
	return nil
}

func cmdUserAdd(ctx context.Context, args []string, io cmdIO) error {
	fs := newFlags("user add", io)
	file := fs.String("config", "swanwatch.yaml", "configuration file (for the state store path)")
	name := fs.String("name", "", "user name")
	role := fs.String("role", "viewer", "supervisor, viewer, operator, sysadmin, secadmin or auditor (administrators enrol TOTP at their first login)")
	fromStdin := fs.Bool("password-stdin", false, "read the password from standard input")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *name == "" {
		return fmt.Errorf("--name is required: %w", errUsage)
	}
	pw, err := readPassword(io, *fromStdin)
	if err != nil {
		return err
	}
	if err := app.AddUser(ctx, *file, *name, *role, pw); err != nil {
		return err
	}
	fmt.Fprintf(io.out, "user %s added with role %s\n", *name, *role)
	return nil
}

// readPassword asks twice on a terminal, or reads one line from stdin.
func readPassword(io cmdIO, fromStdin bool) (string, error) {
	f, isFile := io.in.(*os.File)
	if fromStdin || !isFile || !term.IsTerminal(int(f.Fd())) {
		line, err := bufio.NewReader(io.in).ReadString('\n')
		if err != nil && line == "" {
			return "", fmt.Errorf("read password from stdin: %w", err)
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	fmt.Fprint(io.err, "密码: ")
	a, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprint(io.err, "\n再次输入密码: ")
	b, err2 := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(io.err)
	if err = errors.Join(err, err2); err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	if string(a) != string(b) {
		return "", errors.New("the two passwords differ")
	}
	return string(a), nil
}

func cmdBackup(ctx context.Context, args []string, io cmdIO) error {
	fs := newFlags("backup", io)
	file := fs.String("config", "swanwatch.yaml", "configuration file")
	out := fs.String("out", "", "backup file to write (must not exist)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return fmt.Errorf("--out is required: %w", errUsage)
	}
	if err := app.Backup(ctx, *file, *out); err != nil {
		return err
	}
	fmt.Fprintf(io.out, "state store backed up to %s\n", *out)
	return nil
}

// checkRuleFiles checks the user's rule files, if the configuration names any.
func checkRuleFiles(files []string) []error {
	if len(files) == 0 {
		return nil
	}
	return rules.CheckFiles(files...)
}
