// Command chatreel-ferretdb runs FerretDB 1.x embedded, with SQLite storage, for Chatreel's server.
//
// It exists because `go install .../cmd/ferretdb` builds a binary that panics on its version check
// (FerretDB issue #2982); the embeddable package has no such check.
//
// Protocol with the parent process: one JSON line on stdout once the listener is bound,
// {"uri":"mongodb://127.0.0.1:PORT/"}. The process exits when its stdin closes, so it never
// outlives the Node server that started it, even when that server is killed with SIGKILL.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"

	"github.com/FerretDB/FerretDB/build/version"
	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	dataDir := flag.String("data-dir", "./data", "directory holding the SQLite databases")
	listen := flag.String("listen", "127.0.0.1:0", "loopback TCP address to listen on")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	flag.Parse()

	if err := run(*dataDir, *listen, *logLevel); err != nil {
		fmt.Fprintln(os.Stderr, "chatreel-ferretdb:", err)
		os.Exit(1)
	}
}

func run(dataDir, listen, logLevel string) error {
	abs, err := filepath.Abs(dataDir)
	if err != nil {
		return err
	}
	if err = os.MkdirAll(abs, 0o700); err != nil {
		return err
	}

	var level slog.Level
	if err = level.UnmarshalText([]byte(logLevel)); err != nil {
		return err
	}
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	setVersionFromModule()

	// WAL (FerretDB's default) with synchronous=NORMAL: a commit no longer waits for an fsync, which
	// made every write cost ~8 ms here; the database stays consistent, and only the last commits before
	// a power loss (not a crash of this process) can be lost.
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: listen},
		Handler:   "sqlite",
		SQLiteURL: "file:" + abs + "/?_pragma=synchronous(normal)",
		Logger:    logger,
	})
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	// The parent holds our stdin open; EOF means it is gone.
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		stop()
	}()

	done := make(chan struct{})
	go func() {
		_ = f.Run(ctx)
		close(done)
	}()

	line, err := json.Marshal(map[string]string{"uri": f.MongoDBURI()})
	if err != nil {
		return err
	}
	fmt.Println(string(line))

	<-done
	return nil
}

// setVersionFromModule reports the FerretDB module version in buildInfo (the embedded package
// otherwise says "unknown", because its version file is generated only in FerretDB's own builds).
func setVersionFromModule() {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return
	}
	for _, dep := range info.Deps {
		if dep.Path == "github.com/FerretDB/FerretDB" {
			version.Get().Version = dep.Version
		}
	}
}
