package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/swanwatch/swanwatch/internal/app"
	"github.com/swanwatch/swanwatch/internal/config"
	"github.com/swanwatch/swanwatch/internal/cst"
)

// cmdReport writes the monthly SLA report (月度SLA服务报告):
//
//	swanwatch report --month 2026-11 [--format pdf|xlsx|html] [-o FILE] --server URL [--user NAME]
//	swanwatch report --month 2026-11 [--format …] [-o FILE] --config FILE
//
// With --server it downloads the report from a running server (the password
// from $SWANWATCH_PASSWORD or the terminal, or an API token from
// $SWANWATCH_TOKEN); with --config it builds it from the data directory of
// a server that is not running (the TSDB is locked while one runs).
func cmdReport(ctx context.Context, args []string, cio cmdIO) error {
	fs := newFlags("report", cio)
	month := fs.String("month", "", "the month, YYYY-MM (Asia/Shanghai); default the current month")
	format := fs.String("format", "pdf", "pdf, xlsx or html")
	out := fs.String("o", "", "output file (default SLA月报-MONTH.FORMAT; - for stdout)")
	server := fs.String("server", "", "a running server's URL, e.g. http://127.0.0.1:9330")
	user := fs.String("user", os.Getenv("SWANWATCH_USER"), "a viewer's or operator's account for --server, default $SWANWATCH_USER "+
		"(password from $SWANWATCH_PASSWORD or the terminal; administrators use an API token in $SWANWATCH_TOKEN)")
	file := fs.String("config", "", "configuration file: build from its data directory (server stopped)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if (*server == "") == (*file == "") {
		return fmt.Errorf("give either --server or --config: %w", errUsage)
	}
	if *month == "" {
		*month = time.Now().In(cst.Location).Format("2006-01")
	}
	if *out == "" {
		*out = "SLA月报-" + *month + "." + *format
	}
	write := func(w io.Writer) error {
		if *server != "" {
			return downloadReport(ctx, cio, *server, *user, *month, *format, w)
		}
		cfg, err := config.Load(*file)
		if err != nil {
			printProblems(cio, err)
			return fmt.Errorf("configuration %s is not valid", *file)
		}
		return app.WriteReport(ctx, cfg, *month, *format, w)
	}
	if err := writeOut(*out, cio.out, write); err != nil {
		return err
	}
	if *out != "-" {
		fmt.Fprintf(cio.err, "报告已写入 %s\n", *out)
	}
	return nil
}

// writeOut writes to a new file (removed again on failure) or to stdout.
func writeOut(name string, stdout io.Writer, write func(io.Writer) error) (err error) {
	if name == "-" {
		return write(stdout)
	}
	f, err := os.OpenFile(filepath.Clean(name), os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o640)
	if err != nil {
		return err
	}
	defer func() {
		err = errors.Join(err, f.Close())
		if err != nil {
			_ = os.Remove(f.Name())
		}
	}()
	return write(f)
}

// downloadReport fetches the report from GET /api/v1/reports/sla/{month}.
func downloadReport(ctx context.Context, cio cmdIO, server, user, month, format string, w io.Writer) error {
	u, err := url.Parse(strings.TrimRight(server, "/") + "/api/v1/reports/sla/" + url.PathEscape(month))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return fmt.Errorf("--server %q is not an http(s) URL", server)
	}
	u.RawQuery = url.Values{"format": {format}}.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	if err := authorize(req, cio, user); err != nil {
		return err
	}
	resp, err := (&http.Client{Timeout: 10 * time.Minute}).Do(req)
	if err != nil {
		return fmt.Errorf("download the report: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return fmt.Errorf("download the report: %s: %s", resp.Status, strings.TrimSpace(string(msg)))
	}
	_, err = io.Copy(w, resp.Body)
	return err
}

// authorize adds an API token ($SWANWATCH_TOKEN) or the user's password
// ($SWANWATCH_PASSWORD, else asked on the terminal) to req.
func authorize(req *http.Request, cio cmdIO, user string) error {
	if tok := os.Getenv("SWANWATCH_TOKEN"); tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
		return nil
	}
	if user == "" {
		return fmt.Errorf("--user (or $SWANWATCH_USER) is required: a viewer's or operator's account, or an API token in $SWANWATCH_TOKEN: %w", errUsage)
	}
	pw := os.Getenv("SWANWATCH_PASSWORD")
	if pw == "" {
		var err error
		if pw, err = askPassword(cio); err != nil {
			return err
		}
	}
	req.SetBasicAuth(user, pw)
	return nil
}

// askPassword asks once on the terminal, or reads one line from stdin.
func askPassword(cio cmdIO) (string, error) {
	f, isFile := cio.in.(*os.File)
	if !isFile || !term.IsTerminal(int(f.Fd())) {
		return readPassword(cio, true)
	}
	fmt.Fprint(cio.err, "密码: ")
	b, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(cio.err)
	if err != nil {
		return "", fmt.Errorf("read password: %w", err)
	}
	return string(b), nil
}
