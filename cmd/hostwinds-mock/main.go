// Command hostwinds-mock serves the in-memory Hostwinds Cloud API of package
// mockserver on a loopback port, for demos and for testing Terraform
// configurations offline. The control interface under /_mock/ on the same
// port shows the state and injects faults.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/mockserver"
)

func main() {
	err := run(os.Args[1:], os.Stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "hostwinds-mock:", err)
		os.Exit(1)
	}
}

// errUsage reports invalid flags that the flag package has already printed.
var errUsage = errors.New("invalid command line")

func run(args []string, stderr io.Writer) error {
	flags := flag.NewFlagSet("hostwinds-mock", flag.ContinueOnError)
	flags.SetOutput(stderr)
	listen := flags.String("listen", "127.0.0.1:8910", "address to listen on; port 0 picks a free port")
	allowNonLoopback := flags.Bool("allow-non-loopback", false, "allow a -listen address that is not loopback")
	apiKey := flags.String("api-key", defaultAPIKey(), "API key that requests must carry (default from HOSTWINDS_MOCK_API_KEY)")
	buildDelay := flags.Duration("build-delay", 2*time.Second, "time a new instance stays in BUILD")
	taskDelay := flags.Duration("task-delay", time.Second, "duration of power, reinstall and resize tasks")
	terminateDelay := flags.Duration("terminate-delay", 0, "time a terminated instance stays DELETED before it disappears")
	ipDelay := flags.Duration("ip-delay", 0, "time until an added IP address shows in get_instance_ips")
	latency := flags.Duration("latency", 0, "fixed delay added to every API call")
	rate := flags.Float64("requests-per-second", 0, "API calls per second before the mock answers 429; 0 is unlimited")
	urlFile := flags.String("url-file", "", "file to write the API URL to once listening")
	quiet := flags.Bool("quiet", false, "do not log requests")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		// The flag package has already printed the error and the usage.
		return errUsage
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q: all settings are flags", flags.Args())
	}

	logger := log.New(stderr, "hostwinds-mock: ", log.LstdFlags)
	cfg := mockserver.Config{
		APIKey:            *apiKey,
		BuildDelay:        *buildDelay,
		TaskDelay:         *taskDelay,
		TerminateDelay:    *terminateDelay,
		IPDelay:           *ipDelay,
		Latency:           *latency,
		RequestsPerSecond: *rate,
		AllowNonLoopback:  *allowNonLoopback,
	}
	if !*quiet {
		cfg.Logger = logger
	}

	server := mockserver.New(cfg)
	if err := server.Listen(*listen); err != nil {
		return err
	}
	defer server.Close()

	url := server.URL()
	if *urlFile != "" {
		if err := os.WriteFile(*urlFile, []byte(url+"\n"), 0o600); err != nil {
			return fmt.Errorf("writing the URL to %s failed: %w", *urlFile, err)
		}
	}
	logger.Printf("serving the mock API at %s (control interface under /_mock/)", url)

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	<-ctx.Done()
	logger.Printf("stopping: %v", context.Cause(ctx))
	return nil
}

func defaultAPIKey() string {
	if key := os.Getenv("HOSTWINDS_MOCK_API_KEY"); key != "" {
		return key
	}
	return mockserver.DefaultAPIKey
}
