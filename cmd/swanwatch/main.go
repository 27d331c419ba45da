// Command swanwatch is the SwanWatch operations command center: one binary that
// collects, stores, evaluates rules, answers Prometheus-compatible queries and
// serves the operators' pages. main parses flags, builds the logger, turns signals
// into context cancellation and reload requests, and hands over to internal/app.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
)

const usage = `swanwatch — 三门峡市新型智慧城市运维指挥中心

Usage:
  swanwatch run --config FILE             run the server
  swanwatch demo [--data DIR] [--listen ADDR] [--vms N] [--wan-scale F]
                                          simulated estate + server, prints URL and login
  swanwatch check-config FILE             validate a configuration, every problem as file:line
  swanwatch check-rules FILE...           validate Prometheus rule files
  swanwatch inventory template [FILE]     write the Excel inventory template (default 资产清单模板.xlsx)
  swanwatch user add --config FILE --name NAME --role supervisor|viewer|operator|sysadmin|secadmin|auditor [--password-stdin]
  swanwatch user reset-totp --config FILE --name NAME
                                          forget an administrator's TOTP (lost phone); re-enrolled at next login
  swanwatch screen token --config FILE --name NAME [--screen SCREEN] [--scene ID]
                                          a video-wall screen token; prints the wall's login URL
  swanwatch screen revoke --config FILE --name NAME
  swanwatch backup --config FILE --out FILE   online backup of the state store
  swanwatch report --month YYYY-MM [--format pdf|xlsx|html] [-o FILE] (--server URL --user NAME | --config FILE)
                                          the monthly SLA report (月度SLA服务报告), from a running
                                          server ($SWANWATCH_PASSWORD or $SWANWATCH_TOKEN) or a stopped one's data
  swanwatch ledger close|freeze --config FILE --month YYYY-MM
                                          close a month's days / freeze it (SLA台账) from a stopped server's data,
                                          as the server's closer would
  swanwatch ledger status --config FILE [--month YYYY-MM]
  swanwatch version
`

// exitUsage is returned for wrong command lines (exit code 2).
var errUsage = errors.New("usage")

func main() {
	os.Exit(realMain(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

func realMain(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := dispatch(ctx, args[0], args[1:], cmdIO{stdin, stdout, stderr})
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprint(stderr, usage)
		return 2
	default:
		fmt.Fprintf(stderr, "swanwatch %s: %v\n", args[0], err)
		return 1
	}
}

type cmdIO struct {
	in       io.Reader
	out, err io.Writer
}

func dispatch(ctx context.Context, cmd string, args []string, io cmdIO) error {
	switch cmd {
	case "run":
		return cmdRun(ctx, args, io)
	case "demo":
		return cmdDemo(ctx, args, io)
	case "check-config":
		return cmdCheckConfig(args, io)
	case "check-rules":
		return cmdCheckRules(args, io)
	case "inventory":
		return cmdInventory(args, io)
	case "user":
		return cmdUser(ctx, args, io)
	case "report":
		return cmdReport(ctx, args, io)
	case "ledger":
		return cmdLedger(ctx, args, io)
	case "screen":
		return cmdScreen(ctx, args, io)
	case "backup":
		return cmdBackup(ctx, args, io)
	case "audit", "secret":
		return cmdSecurity(ctx, cmd, args, io)
	case "version", "--version", "-v":
		fmt.Fprintln(io.out, versionString())
		return nil
	case "help", "--help", "-h":
		fmt.Fprint(io.out, usage)
		return nil
	}
	return fmt.Errorf("unknown command %q: %w", cmd, errUsage)
}

// newLogger builds the process logger; level and format come from the config.
func newLogger(w io.Writer, level, format string) *slog.Logger {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		lv = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: lv}
	if format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// hangups turns SIGHUP into reload requests for the app.
func hangups(ctx context.Context) <-chan struct{} {
	out := make(chan struct{}, 1)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGHUP)
	go func() {
		defer signal.Stop(sig)
		for {
			select {
			case <-ctx.Done():
				return
			case <-sig:
				select {
				case out <- struct{}{}:
				default: // a reload is already pending
				}
			}
		}
	}()
	return out
}
