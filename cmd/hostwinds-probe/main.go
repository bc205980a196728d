// Command hostwinds-probe checks the provider's assumptions about the Hostwinds Cloud API
// against a real account without changing anything. It sends every action that takes a
// serviceid with serviceid 0, which no instance has, so the API can only reply that the
// serviceid is invalid (the action exists) or that the action is unknown. It calls the reads
// that need no serviceid and compares their responses with the shapes the client decodes. It
// never sends an action that could create or change something without a serviceid.
//
// Exit codes: 0 when every probed action exists and every read has the expected shape, 1 when
// any action is unknown, fails unexpectedly or returns another shape, and 2 when the probe
// could not run (invalid flags, no API key, the key rejected, or the timeout reached).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"time"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/hostwinds"
	"github.com/penguinmails/terraform-provider-hostwinds/internal/probe"
)

// Environment variables, the same ones the provider reads.
const (
	envAPIKey   = "HOSTWINDS_API_KEY" //nolint:gosec // G101 flags the name of the variable, which is no credential.
	envEndpoint = "HOSTWINDS_API_URL"
)

// probeMaxRetries is lower than the provider's default, so that an unreachable endpoint fails
// each read within seconds rather than after minutes of backoff.
const probeMaxRetries = 2

// Exit codes.
const (
	exitOK     = 0
	exitFailed = 1
	exitError  = 2
)

func main() {
	os.Exit(run(os.Args[1:], os.Getenv, os.Stdout, os.Stderr))
}

// run carries out one probe and returns the exit code. getenv is a parameter so that tests
// never read the real HOSTWINDS_API_KEY and HOSTWINDS_API_URL of the machine they run on.
func run(args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	flags := flag.NewFlagSet("hostwinds-probe", flag.ContinueOnError)
	flags.SetOutput(stderr)
	flags.Usage = func() {
		fmt.Fprintf(stderr, "Usage: hostwinds-probe [flags]\n\n"+
			"Checks that every Hostwinds API action the provider calls exists for this API key, and that the\n"+
			"reads answer in the shape the provider expects. Nothing in the account is created or changed.\n\n")
		flags.PrintDefaults()
	}
	// The key has no flag default, because -h prints defaults and would show a key taken
	// from the environment.
	apiKey := flags.String("api-key", "", "Hostwinds API key (default from "+envAPIKey+")")
	endpoint := flags.String("endpoint", "", "URL of the API script (default from "+envEndpoint+", else "+hostwinds.DefaultEndpoint+")")
	jsonOutput := flags.Bool("json", false, "print the results as JSON instead of a table")
	timeout := flags.Duration("timeout", 5*time.Minute, "time limit for the whole run")
	rate := flags.Float64("requests-per-second", hostwinds.DefaultRequestsPerSecond, "maximum request rate")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		// The flag package has already printed the error and the usage.
		return exitError
	}
	if flags.NArg() > 0 {
		fmt.Fprintf(stderr, "hostwinds-probe: unexpected arguments %q: all settings are flags\n", flags.Args())
		return exitError
	}

	key := *apiKey
	if key == "" {
		key = getenv(envAPIKey)
	}
	if key == "" {
		fmt.Fprintf(stderr, "hostwinds-probe: no API key: pass -api-key or set %s. Create a key in the Hostwinds "+
			"client area and add this machine's public IPv4 address to its allow-list.\n", envAPIKey)
		return exitError
	}
	endpointURL := *endpoint
	if endpointURL == "" {
		endpointURL = getenv(envEndpoint)
	}
	if endpointURL == "" {
		endpointURL = hostwinds.DefaultEndpoint
	}
	if *rate <= 0 {
		fmt.Fprintf(stderr, "hostwinds-probe: -requests-per-second is %g, but it must be above 0\n", *rate)
		return exitError
	}
	if insecureEndpoint(endpointURL) {
		fmt.Fprintf(stderr, "hostwinds-probe: warning: %s uses plain HTTP on a host that is not a loopback "+
			"address, so the API key travels unencrypted\n", endpointURL)
	}

	client, err := hostwinds.New(hostwinds.Config{
		Endpoint:          endpointURL,
		APIKey:            key,
		MaxRetries:        probeMaxRetries,
		RequestsPerSecond: *rate,
		UserAgent:         "hostwinds-probe (terraform-provider-hostwinds)",
	})
	if err != nil {
		fmt.Fprintln(stderr, "hostwinds-probe:", err)
		return exitError
	}

	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	results, err := probe.Run(ctx, client)
	if err != nil {
		fmt.Fprintln(stderr, "hostwinds-probe:", err)
		return exitError
	}

	if *jsonOutput {
		err = probe.WriteJSON(stdout, client.Endpoint(), results)
	} else {
		err = probe.WriteTable(stdout, results)
	}
	if err != nil {
		fmt.Fprintln(stderr, "hostwinds-probe: writing the results failed:", err)
		return exitError
	}
	if probe.AnyFailed(results) {
		return exitFailed
	}
	return exitOK
}

// insecureEndpoint reports plain HTTP to a host other than loopback, the same rule the
// provider warns about.
func insecureEndpoint(endpoint string) bool {
	u, err := url.Parse(endpoint)
	if err != nil || u.Scheme != "http" {
		return false
	}
	host := u.Hostname()
	if host == "localhost" {
		return false
	}
	ip := net.ParseIP(host)
	return ip == nil || !ip.IsLoopback()
}
