// Command webhooksink is the receiving end of the alerting benchmarks in
// bench/: an HTTP server that records every POST (arrival time, the
// Idempotency-Key header, and the fingerprint and status of each alert of an
// Alertmanager v4 webhook body) to a JSON-lines log, and a report that turns
// that log into latencies and duplicate/loss counts as JSON.
//
//	webhooksink serve  -listen 127.0.0.1:0 -log sink.jsonl -addr-file sink.addr
//	webhooksink report -log sink.jsonl [-sends sends.txt] [-incidents incidents.json] [-max-dup 1]
//
// The report exits 1 when something was lost or repeated more than -max-dup
// times, so a script can use it as its verdict.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: webhooksink serve|report [flags]")
		os.Exit(2)
	}
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	var err error
	switch os.Args[1] {
	case "serve":
		err = serve(log, os.Args[2:])
	case "report":
		var ok bool
		ok, err = report(os.Stdout, os.Args[2:])
		if err == nil && !ok {
			os.Exit(1)
		}
	default:
		err = fmt.Errorf("unknown command %q (serve or report)", os.Args[1])
	}
	if err != nil {
		log.Error("webhooksink failed", "err", err)
		os.Exit(2)
	}
}

// serve runs the sink until SIGINT or SIGTERM.
func serve(log *slog.Logger, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	listen := fs.String("listen", "127.0.0.1:0", "address to listen on")
	logPath := fs.String("log", "sink.jsonl", "JSON-lines log of every POST (appended)")
	addrFile := fs.String("addr-file", "", "write the bound host:port here once listening")
	if err := fs.Parse(args); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	sink, err := NewSink(*logPath)
	if err != nil {
		return err
	}
	defer sink.Close()
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("listen %s: %w", *listen, err)
	}
	if err := writeAddr(*addrFile, ln.Addr().String()); err != nil {
		ln.Close()
		return err
	}
	log.Info("webhook sink listening", "addr", ln.Addr().String(), "log", *logPath)
	return run(ctx, ln, sink)
}

// writeAddr writes via a rename so that a script polling for the file never
// reads half of it.
func writeAddr(path, addr string) error {
	if path == "" {
		return nil
	}
	if err := os.WriteFile(path+".tmp", []byte(addr+"\n"), 0o644); err != nil {
		return fmt.Errorf("write addr file: %w", err)
	}
	return os.Rename(path+".tmp", path)
}

func run(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-done; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}

// report prints the Report of a log and tells whether it passed.
func report(out io.Writer, args []string) (bool, error) {
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	logPath := fs.String("log", "sink.jsonl", "the sink's log")
	sendsPath := fs.String("sends", "", `faults caused: lines "PATH UNIX_NANOS label=value[,…]"`)
	incPath := fs.String("incidents", "", "JSON array from GET /api/v1/incidents: every one must be announced")
	maxDup := fs.Int("max-dup", 1, "repeats allowed per (alert, state) before the report fails; -1: not judged")
	format := fs.String("format", "json", "json, or table: one latency line per path")
	if err := fs.Parse(args); err != nil {
		return false, err
	}
	rep, err := buildReport(Inputs{Log: *logPath, Sends: *sendsPath, Incidents: *incPath, MaxDup: *maxDup})
	if err != nil {
		return false, err
	}
	switch *format {
	case "json":
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return rep.OK, enc.Encode(rep)
	case "table":
		return rep.OK, writeTable(out, rep)
	}
	return false, fmt.Errorf("unknown format %q (json or table)", *format)
}
