package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"time"
)

// bench runs the measurements of one invocation.
type bench struct {
	opts     options
	workDir  string
	progress io.Writer
}

// sizeResult holds the measurements of one configuration size.
type sizeResult struct {
	n        int
	floor    map[phase]measurement // nil when the floor was not measured in this run
	provider map[phase]measurement
	calls    map[phase]callCounts
	ready    readiness // of the apply
}

// benchResult is everything the report shows.
type benchResult struct {
	opts    options
	machine machineInfo
	sizes   []sizeResult
	// defaultRate is the run at the provider's default request rate, nil when skipped.
	defaultRate *sizeResult
	// longBuild is the readiness of the long-build run, nil when skipped.
	longBuild *readiness
	total     time.Duration
}

func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(b.progress, "hostwinds-bench: "+format+"\n", args...)
}

func (b *bench) runAll() (*benchResult, error) {
	result := &benchResult{opts: b.opts}
	if err := writeFile(filepath.Join(b.workDir, "terraform.rc"), cliConfig(b.opts.binDir)); err != nil {
		return nil, err
	}

	mock, err := b.startMock("mock", b.opts.buildDelay)
	if err != nil {
		return nil, err
	}
	defer mock.stop()

	fastRate := "HOSTWINDS_REQUESTS_PER_SECOND=" + strconv.FormatFloat(b.opts.requestsPerSecond, 'f', -1, 64)
	for _, n := range b.opts.sizes {
		floor, err := b.measureFloor(n)
		if err != nil {
			return nil, err
		}
		size, err := b.measureProvider(mock, n, fmt.Sprintf("provider-%d", n), fastRate)
		if err != nil {
			return nil, err
		}
		size.floor = floor
		result.sizes = append(result.sizes, *size)
	}

	if n := b.opts.defaultRateSize; n > 0 {
		// No HOSTWINDS_REQUESTS_PER_SECOND, so the provider uses its default rate.
		size, err := b.measureProvider(mock, n, fmt.Sprintf("provider-%d-default-rate", n))
		if err != nil {
			return nil, err
		}
		size.floor = floorFor(result.sizes, n)
		if size.floor == nil {
			if size.floor, err = b.measureFloor(n); err != nil {
				return nil, err
			}
		}
		result.defaultRate = size
	}
	mock.stop()

	if b.opts.longBuildInstances > 0 {
		longMock, err := b.startMock("mock-long-build", b.opts.longBuild)
		if err != nil {
			return nil, err
		}
		defer longMock.stop()
		ready, err := b.measureLongBuild(longMock, fastRate)
		if err != nil {
			return nil, err
		}
		result.longBuild = ready
	}
	return result, nil
}

func (b *bench) startMock(name string, buildDelay time.Duration) (*mockProcess, error) {
	dir := filepath.Join(b.workDir, name)
	if err := mkdir(dir); err != nil {
		return nil, err
	}
	mock, err := startMock(filepath.Join(b.opts.binDir, "hostwinds-mock"), dir, mockSettings{
		latency: b.opts.latency, buildDelay: buildDelay, taskDelay: b.opts.taskDelay,
	})
	if err != nil {
		return nil, err
	}
	b.logf("mock API at %s (latency %s, build delay %s)", mock.apiURL, b.opts.latency, buildDelay)
	return mock, nil
}

func floorFor(sizes []sizeResult, n int) map[phase]measurement {
	for _, s := range sizes {
		if s.n == n {
			return s.floor
		}
	}
	return nil
}

// measureFloor runs apply, plan and destroy of the terraform_data graph of n instances.
func (b *bench) measureFloor(n int) (map[phase]measurement, error) {
	ws, err := newWorkspace(b.opts.terraform, filepath.Join(b.workDir, fmt.Sprintf("floor-%d", n)), floorConfig(n), b.opts.parallelism,
		[]string{"TF_CLI_CONFIG_FILE=" + filepath.Join(b.workDir, "terraform.rc")})
	if err != nil {
		return nil, err
	}
	out := map[phase]measurement{}
	for _, p := range phases {
		m, err := ws.run(p)
		if err != nil {
			return nil, err
		}
		out[p] = m
		b.logf("floor    N=%-4d %-7s %8.2f s", n, p, m.wall.Seconds())
	}
	return out, nil
}

// measureProvider runs apply, plan and destroy of n instances against a freshly reset mock
// and counts the API calls of each phase. The apply logs at INFO, for the readiness figures.
func (b *bench) measureProvider(mock *mockProcess, n int, name string, extraEnv ...string) (*sizeResult, error) {
	dir := filepath.Join(b.workDir, name)
	env := append([]string{
		"TF_CLI_CONFIG_FILE=" + filepath.Join(b.workDir, "terraform.rc"),
		"HOSTWINDS_API_URL=" + mock.apiURL,
		"HOSTWINDS_API_KEY=" + mockAPIKey,
	}, extraEnv...)
	ws, err := newWorkspace(b.opts.terraform, dir, providerConfig(n), b.opts.parallelism, env)
	if err != nil {
		return nil, err
	}
	if err := mock.reset(); err != nil {
		return nil, err
	}

	size := &sizeResult{n: n, provider: map[phase]measurement{}, calls: map[phase]callCounts{}}
	logPath := filepath.Join(dir, "provider-apply.log")
	for _, p := range phases {
		if err := mock.resetCalls(); err != nil {
			return nil, err
		}
		var phaseEnv []string
		if p == phaseApply {
			phaseEnv = []string{"TF_LOG_PROVIDER=INFO", "TF_LOG_PATH=" + logPath}
		}
		m, err := ws.run(p, phaseEnv...)
		if err != nil {
			return nil, err
		}
		counts, err := mock.calls()
		if err != nil {
			return nil, err
		}
		size.provider[p] = m
		size.calls[p] = counts
		b.logf("%-8s N=%-4d %-7s %8.2f s  %6d API calls  provider peak %.1f MB",
			name, n, p, m.wall.Seconds(), counts.Total, float64(m.providerPeakBytes)/1e6)

		if p == phaseApply {
			if size.ready, err = b.readiness(mock, logPath, n); err != nil {
				return nil, err
			}
		}
	}
	return size, nil
}

// readiness pairs the provider's log of an apply with the mock's build end times.
func (b *bench) readiness(mock *mockProcess, logPath string, instances int) (readiness, error) {
	events, err := parseReadyEvents(logPath)
	if err != nil {
		return readiness{}, err
	}
	if len(events) != instances {
		return readiness{}, fmt.Errorf("%s logs %d ended builds, expected one per instance (%d)", logPath, len(events), instances)
	}
	ended, err := mock.buildsEndedAt()
	if err != nil {
		return readiness{}, err
	}
	return summariseReadiness(events, ended)
}

// measureLongBuild applies and destroys a few instances whose build takes opts.longBuild, to
// count the status polls of a long build.
func (b *bench) measureLongBuild(mock *mockProcess, rateEnv string) (*readiness, error) {
	n := b.opts.longBuildInstances
	dir := filepath.Join(b.workDir, "provider-long-build")
	ws, err := newWorkspace(b.opts.terraform, dir, providerConfig(n), b.opts.parallelism, []string{
		"TF_CLI_CONFIG_FILE=" + filepath.Join(b.workDir, "terraform.rc"),
		"HOSTWINDS_API_URL=" + mock.apiURL,
		"HOSTWINDS_API_KEY=" + mockAPIKey,
		rateEnv,
	})
	if err != nil {
		return nil, err
	}
	logPath := filepath.Join(dir, "provider-apply.log")
	m, err := ws.run(phaseApply, "TF_LOG_PROVIDER=INFO", "TF_LOG_PATH="+logPath)
	if err != nil {
		return nil, err
	}
	ready, err := b.readiness(mock, logPath, n)
	if err != nil {
		return nil, err
	}
	b.logf("long build N=%d apply %.2f s, polls per create %v", n, m.wall.Seconds(), ready.polls)
	if _, err := ws.run(phaseDestroy); err != nil {
		return nil, err
	}
	return &ready, nil
}
