// Command hostwinds-bench measures the provider against the bundled mock API: the wall time of
// terraform apply, a refresh plan and destroy for fleets of N instances, each with one
// secondary IP and two PTR records, next to the same graph of terraform_data resources as the
// floor that Terraform itself sets; the API calls of each phase; the provider's peak memory;
// and how soon the provider notices that a build has ended. It writes the results into a
// marked section of BENCHMARKS.md and prints them.
//
// It runs bin/terraform-provider-hostwinds through a dev_overrides CLI configuration and
// bin/hostwinds-mock as a separate process on a loopback port, so `make build` must run
// first; `make bench` does both. The run needs no network access.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

func main() {
	err := run(os.Args[1:], os.Stdout, os.Stderr)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "hostwinds-bench:", err)
		os.Exit(1)
	}
}

// errUsage reports invalid flags that the flag package has already printed.
var errUsage = errors.New("invalid command line")

// options are the command-line settings of one benchmark run.
type options struct {
	sizes              []int
	latency            time.Duration
	buildDelay         time.Duration
	taskDelay          time.Duration
	parallelism        int
	requestsPerSecond  float64
	defaultRateSize    int
	longBuild          time.Duration
	longBuildInstances int
	binDir             string
	terraform          string
	output             string
	keepWorkDir        bool
}

func parseOptions(args []string, stderr io.Writer) (options, error) {
	var o options
	flags := flag.NewFlagSet("hostwinds-bench", flag.ContinueOnError)
	flags.SetOutput(stderr)
	sizes := flags.String("sizes", "10,100,300", "comma-separated numbers of instances to measure")
	flags.DurationVar(&o.latency, "latency", 30*time.Millisecond, "fixed delay the mock adds to every API call")
	flags.DurationVar(&o.buildDelay, "build-delay", 2*time.Second, "time a new instance stays in BUILD in the mock")
	flags.DurationVar(&o.taskDelay, "task-delay", time.Second, "duration of the mock's power, reinstall and resize tasks")
	flags.IntVar(&o.parallelism, "parallelism", 10, "value of terraform -parallelism for every command")
	flags.Float64Var(&o.requestsPerSecond, "requests-per-second", 1000,
		"HOSTWINDS_REQUESTS_PER_SECOND for the main runs, 0.1 to 1000; the provider's default is 10")
	flags.IntVar(&o.defaultRateSize, "default-rate-size", 100,
		"number of instances of one extra run at the provider's default request rate; 0 skips it")
	flags.DurationVar(&o.longBuild, "long-build", 60*time.Second, "build delay of the run that counts the status polls of a long build")
	flags.IntVar(&o.longBuildInstances, "long-build-instances", 3, "number of instances in the long-build run; 0 skips it")
	flags.StringVar(&o.binDir, "bin", "bin", "folder with terraform-provider-hostwinds and hostwinds-mock")
	flags.StringVar(&o.terraform, "terraform", "terraform", "Terraform CLI to run")
	flags.StringVar(&o.output, "output", "BENCHMARKS.md", "page whose results section is replaced; empty only prints")
	flags.BoolVar(&o.keepWorkDir, "keep", false, "keep the work folder (configurations, state, logs) after a successful run")
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, err
		}
		return o, errUsage
	}
	if flags.NArg() > 0 {
		return o, fmt.Errorf("unexpected arguments %q: all settings are flags", flags.Args())
	}

	for _, field := range strings.Split(*sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(field))
		if err != nil || n < 1 {
			return o, fmt.Errorf("invalid -sizes %q: use positive whole numbers separated by commas, such as 10,100,300", *sizes)
		}
		o.sizes = append(o.sizes, n)
	}
	if o.requestsPerSecond < 0.1 || o.requestsPerSecond > 1000 {
		return o, fmt.Errorf("invalid -requests-per-second %v: the provider accepts 0.1 to 1000", o.requestsPerSecond)
	}
	if o.parallelism < 1 {
		return o, fmt.Errorf("invalid -parallelism %d: it must be at least 1", o.parallelism)
	}
	if o.defaultRateSize < 0 || o.longBuildInstances < 0 {
		return o, errors.New("invalid -default-rate-size or -long-build-instances: use 0 to skip a run, or a positive number")
	}

	binDir, err := filepath.Abs(o.binDir)
	if err != nil {
		return o, err
	}
	o.binDir = binDir
	for _, name := range []string{providerProcessName, "hostwinds-mock"} {
		if info, err := os.Stat(filepath.Join(binDir, name)); err != nil || info.IsDir() {
			return o, fmt.Errorf("%s is missing in %s: run `make build` first, or use `make bench`", name, binDir)
		}
	}
	return o, nil
}

func run(args []string, stdout, stderr io.Writer) error {
	o, err := parseOptions(args, stderr)
	if err != nil {
		return err
	}
	started := time.Now()
	loadBefore := loadAverage()

	workDir, err := os.MkdirTemp("", "hostwinds-bench.")
	if err != nil {
		return err
	}
	b := &bench{opts: o, workDir: workDir, progress: stderr}
	result, err := b.runAll()
	if err != nil {
		fmt.Fprintf(stderr, "hostwinds-bench: kept %s (configurations, state, Terraform output and logs) for inspection\n", workDir)
		return err
	}
	if o.keepWorkDir {
		fmt.Fprintf(stderr, "hostwinds-bench: kept %s\n", workDir)
	} else if err := os.RemoveAll(workDir); err != nil {
		fmt.Fprintf(stderr, "hostwinds-bench: removing %s failed: %v\n", workDir, err)
	}

	result.total = time.Since(started)
	result.machine = describeMachine(o.terraform, loadBefore)
	section := renderResults(result)
	fmt.Fprint(stdout, section)
	if o.output == "" {
		return nil
	}
	if err := writeResults(o.output, section); err != nil {
		return err
	}
	fmt.Fprintf(stderr, "hostwinds-bench: wrote the results to %s\n", o.output)
	return nil
}
