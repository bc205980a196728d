package main

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"time"
)

// Markers of the generated section of the benchmarks page. Everything between them is
// replaced on every run, and everything outside them is kept.
const (
	resultsBegin = "<!-- BEGIN generated results: `make bench` replaces everything up to the END marker -->"
	resultsEnd   = "<!-- END generated results -->"
)

// Goal limits, as the benchmarks page states them.
const (
	goalPlanCallsPerInstance = 2
	goalPlanRatio            = 1.3
	goalNoticeDelay          = time.Second
	goalLongBuildPolls       = 15
	goalPeakBytes            = 60e6
	// goalGrowthTolerance allows the memory cost per added instance at the larger sizes to be
	// this much above the cost at the smaller ones before growth counts as worse than linear,
	// because VmHWM depends on when the garbage collector runs.
	goalGrowthTolerance = 1.25
	// readinessSize is the fleet size whose creates the notice-delay goal is measured on.
	readinessSize = 100
)

// machineInfo describes where the benchmark ran.
type machineInfo struct {
	date      string
	cpus      int
	cpuModel  string
	memory    string
	kernel    string
	goVersion string
	terraform string
	commit    string
	// loadBefore and loadAfter are the load averages of /proc/loadavg at the start and the
	// end of the run. Other work on the machine inflates every wall time.
	loadBefore string
	loadAfter  string
}

func describeMachine(terraform, loadBefore string) machineInfo {
	m := machineInfo{
		loadBefore: loadBefore,
		loadAfter:  loadAverage(),
		date:       time.Now().UTC().Format("2006-01-02 15:04 MST"),
		cpus:       runtime.NumCPU(),
		cpuModel:   procField("/proc/cpuinfo", "model name"),
		goVersion:  runtime.Version(),
		terraform:  terraformVersion(terraform),
		kernel:     "unknown",
		commit:     "unknown",
	}
	if data, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		m.kernel = strings.TrimSpace(string(data))
	}
	m.memory = procField("/proc/meminfo", "MemTotal")
	if out, err := exec.Command("git", "describe", "--always", "--dirty").Output(); err == nil {
		m.commit = strings.TrimSpace(string(out))
	}
	return m
}

// loadAverage returns the 1, 5 and 15 minute load averages from /proc/loadavg.
func loadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	fields := strings.Fields(string(data))
	if len(fields) < 3 {
		return "unknown"
	}
	return strings.Join(fields[:3], " ")
}

// procField returns the value of the first "name: value" line of a /proc file, or "unknown".
func procField(path, name string) string {
	file, err := os.Open(path)
	if err != nil {
		return "unknown"
	}
	defer file.Close()
	scanner := bufio.NewScanner(file)
	for scanner.Scan() {
		key, value, ok := strings.Cut(scanner.Text(), ":")
		if ok && strings.TrimSpace(key) == name {
			return strings.TrimSpace(value)
		}
	}
	return "unknown"
}

// renderResults returns the generated section of the benchmarks page, markers included.
func renderResults(r *benchResult) string {
	var b strings.Builder
	o := r.opts
	w := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }

	w("%s\n\n", resultsBegin)
	w("### Latest results\n\n")
	w("Measured on %s at commit `%s`, in %s in total.\n\n", r.machine.date, r.machine.commit, r.total.Round(time.Second))
	w("| Machine | |\n|---|---|\n")
	w("| CPUs (`nproc`) | %d (%s) |\n", r.machine.cpus, r.machine.cpuModel)
	w("| Memory | %s |\n", r.machine.memory)
	w("| Kernel (`uname -r`) | %s |\n", r.machine.kernel)
	w("| Go | %s |\n", r.machine.goVersion)
	w("| Terraform | %s |\n", r.machine.terraform)
	w("| Load average (1, 5, 15 min) at start and end | %s; %s |\n\n", r.machine.loadBefore, r.machine.loadAfter)
	w("Settings: mock latency %s per call, build delay %s, task delay %s; `-parallelism=%d`; "+
		"`HOSTWINDS_REQUESTS_PER_SECOND=%g` (the provider's default is 10, measured separately below); "+
		"provider poll interval at its default.\n\n",
		o.latency, o.buildDelay, o.taskDelay, o.parallelism, o.requestsPerSecond)

	renderTimes(&b, r)
	renderActions(&b, r)
	renderReadiness(&b, r)
	renderDefaultRate(&b, r)
	renderGoals(&b, r)
	w("%s\n", resultsEnd)
	return b.String()
}

func renderTimes(b *strings.Builder, r *benchResult) {
	fmt.Fprintf(b, "#### Wall time, API calls and memory\n\n")
	fmt.Fprintf(b, "Objects are the managed objects of the configuration: %d per instance plus the firewall profile. "+
		"The ratio is the provider's time over the floor's.\n\n", objectsPerInstance)
	fmt.Fprintf(b, "| N | Objects | Phase | Floor (s) | Provider (s) | Ratio | API calls | Calls per object | Calls per instance | Provider peak (MB) |\n")
	fmt.Fprintf(b, "|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|\n")
	for _, s := range r.sizes {
		writeTimeRows(b, s)
	}
	fmt.Fprintln(b)
}

func writeTimeRows(b *strings.Builder, s sizeResult) {
	objects := objectCount(s.n)
	for _, p := range phases {
		m := s.provider[p]
		calls := s.calls[p].Total
		floor := "n/a"
		ratio := "n/a"
		if f, ok := s.floor[p]; ok {
			floor = fmt.Sprintf("%.2f", f.wall.Seconds())
			ratio = fmt.Sprintf("%.2f", m.wall.Seconds()/f.wall.Seconds())
		}
		fmt.Fprintf(b, "| %d | %d | %s | %s | %.2f | %s | %d | %.2f | %.2f | %.1f |\n",
			s.n, objects, p, floor, m.wall.Seconds(), ratio, calls,
			float64(calls)/float64(objects), float64(calls)/float64(s.n), float64(m.providerPeakBytes)/1e6)
	}
}

func renderActions(b *strings.Builder, r *benchResult) {
	if len(r.sizes) == 0 {
		return
	}
	largest := r.sizes[len(r.sizes)-1]
	fmt.Fprintf(b, "#### API calls by action at N = %d\n\n", largest.n)
	var actions []string
	for _, p := range phases {
		for action := range largest.calls[p].Actions {
			if !slices.Contains(actions, action) {
				actions = append(actions, action)
			}
		}
	}
	slices.Sort(actions)
	fmt.Fprintf(b, "| Action | apply | plan | destroy |\n|---|--:|--:|--:|\n")
	for _, action := range actions {
		fmt.Fprintf(b, "| `%s` | %d | %d | %d |\n", action,
			largest.calls[phaseApply].Actions[action], largest.calls[phasePlan].Actions[action], largest.calls[phaseDestroy].Actions[action])
	}
	fmt.Fprintln(b)
}

func renderReadiness(b *strings.Builder, r *benchResult) {
	fmt.Fprintf(b, "#### Readiness of new instances\n\n")
	fmt.Fprintf(b, "Notice delay: the time stamp of the provider's `Instance is ready` log line minus the time the mock "+
		"ended the build (`builds_ended_at` in `GET /_mock/state`). Polls: the `get_instance` calls of the wait "+
		"loop of one create, from the same log line.\n\n")
	fmt.Fprintf(b, "| Run | Build | Creates | Median delay | 90th percentile | Max delay | Polls per create (median / max) |\n")
	fmt.Fprintf(b, "|---|--:|--:|--:|--:|--:|--:|\n")
	row := func(name string, build time.Duration, ready readiness) {
		fmt.Fprintf(b, "| %s | %s | %d | %s | %s | %s | %d / %d |\n", name, build, ready.creates,
			formatDelay(quantile(ready.delays, 0.5)), formatDelay(quantile(ready.delays, 0.9)),
			formatDelay(quantile(ready.delays, 1)), quantile(ready.polls, 0.5), quantile(ready.polls, 1))
	}
	for _, s := range r.sizes {
		row(fmt.Sprintf("N = %d", s.n), r.opts.buildDelay, s.ready)
	}
	if r.defaultRate != nil {
		row(fmt.Sprintf("N = %d, default rate", r.defaultRate.n), r.opts.buildDelay, r.defaultRate.ready)
	}
	if r.longBuild != nil {
		row("long build", r.opts.longBuild, *r.longBuild)
	}
	fmt.Fprintln(b)
}

func formatDelay(d time.Duration) string {
	return fmt.Sprintf("%.2f s", d.Seconds())
}

func renderDefaultRate(b *strings.Builder, r *benchResult) {
	s := r.defaultRate
	if s == nil {
		return
	}
	fmt.Fprintf(b, "#### At the default rate of 10 requests per second, N = %d\n\n", s.n)
	fmt.Fprintf(b, "Same configuration and mock, without `HOSTWINDS_REQUESTS_PER_SECOND`.\n\n")
	fmt.Fprintf(b, "| N | Objects | Phase | Floor (s) | Provider (s) | Ratio | API calls | Calls per object | Calls per instance | Provider peak (MB) |\n")
	fmt.Fprintf(b, "|--:|--:|---|--:|--:|--:|--:|--:|--:|--:|\n")
	writeTimeRows(b, *s)
	fmt.Fprintln(b)
}

// goal is one line of the goals table.
type goal struct {
	name     string
	measured string
	met      bool
}

func renderGoals(b *strings.Builder, r *benchResult) {
	fmt.Fprintf(b, "#### Goals\n\n| Goal | Measured | Met |\n|---|---|---|\n")
	for _, g := range evaluateGoals(r) {
		met := "no"
		if g.met {
			met = "yes"
		}
		fmt.Fprintf(b, "| %s | %s | %s |\n", g.name, g.measured, met)
	}
	fmt.Fprintln(b)
}

func evaluateGoals(r *benchResult) []goal {
	if len(r.sizes) == 0 {
		return nil
	}
	var goals []goal
	smallest, largest := r.sizes[0], r.sizes[len(r.sizes)-1]

	// Refresh calls: the calls above goalPlanCallsPerInstance per instance must not grow with N.
	var excess []string
	base := smallest.calls[phasePlan].Total - goalPlanCallsPerInstance*smallest.n
	callsMet := true
	for _, s := range r.sizes {
		k := s.calls[phasePlan].Total - goalPlanCallsPerInstance*s.n
		excess = append(excess, fmt.Sprintf("N = %d: %d", s.n, k))
		callsMet = callsMet && k <= base
	}
	goals = append(goals, goal{
		name:     fmt.Sprintf("Refresh plan: at most %d API calls per instance plus a constant", goalPlanCallsPerInstance),
		measured: fmt.Sprintf("calls − %d·N = %s", goalPlanCallsPerInstance, strings.Join(excess, ", ")),
		met:      callsMet,
	})

	if f, ok := largest.floor[phasePlan]; ok {
		ratio := largest.provider[phasePlan].wall.Seconds() / f.wall.Seconds()
		goals = append(goals, goal{
			name:     fmt.Sprintf("Refresh plan at N = %d within %.1f × the floor", largest.n, goalPlanRatio),
			measured: fmt.Sprintf("%.2f ×", ratio),
			met:      ratio <= goalPlanRatio,
		})
	}

	ready := readinessRun(r.sizes)
	median := quantile(ready.ready.delays, 0.5)
	goals = append(goals, goal{
		name:     fmt.Sprintf("Readiness noticed within %s of the build's end (median, N = %d, %s build)", goalNoticeDelay, ready.n, r.opts.buildDelay),
		measured: formatDelay(median),
		met:      ready.ready.creates > 0 && median <= goalNoticeDelay,
	})
	if r.longBuild != nil {
		maxPolls := quantile(r.longBuild.polls, 1)
		goals = append(goals, goal{
			name:     fmt.Sprintf("At most %d status polls for a %s build", goalLongBuildPolls, r.opts.longBuild),
			measured: fmt.Sprintf("%d polls (max of %d creates)", maxPolls, r.longBuild.creates),
			met:      r.longBuild.creates > 0 && maxPolls <= goalLongBuildPolls,
		})
	}

	peak := maxPeak(largest)
	goals = append(goals, goal{
		name:     fmt.Sprintf("Provider peak memory at most %.0f MB at N = %d", goalPeakBytes/1e6, largest.n),
		measured: fmt.Sprintf("%.1f MB", float64(peak)/1e6),
		met:      peak <= goalPeakBytes,
	})
	if len(r.sizes) >= 3 {
		middle := r.sizes[len(r.sizes)/2]
		lower := perInstanceGrowth(smallest, middle)
		upper := perInstanceGrowth(middle, largest)
		goals = append(goals, goal{
			name: fmt.Sprintf("Memory grows linearly or better from N = %d to %d", smallest.n, largest.n),
			measured: fmt.Sprintf("%.1f kB per added instance from %d to %d, %.1f kB from %d to %d",
				lower/1e3, smallest.n, middle.n, upper/1e3, middle.n, largest.n),
			met: upper <= lower*goalGrowthTolerance || upper <= 0,
		})
	}
	return goals
}

// readinessRun returns the run whose creates the notice-delay goal uses: N = readinessSize if
// it was measured, otherwise the size closest to it.
func readinessRun(sizes []sizeResult) sizeResult {
	best := sizes[0]
	for _, s := range sizes {
		if abs(s.n-readinessSize) < abs(best.n-readinessSize) {
			best = s
		}
	}
	return best
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// maxPeak returns the highest provider peak of the three phases.
func maxPeak(s sizeResult) int64 {
	var peak int64
	for _, p := range phases {
		peak = max(peak, s.provider[p].providerPeakBytes)
	}
	return peak
}

// perInstanceGrowth returns the growth of the peak memory per added instance, in bytes.
func perInstanceGrowth(from, to sizeResult) float64 {
	return float64(maxPeak(to)-maxPeak(from)) / float64(to.n-from.n)
}

// writeResults replaces the generated section of the page at path, or creates the page.
func writeResults(path, section string) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return writeFile(path, "# Benchmarks\n\n"+section)
	}
	if err != nil {
		return err
	}
	text := string(data)
	begin := strings.Index(text, resultsBegin)
	end := strings.Index(text, resultsEnd)
	if begin < 0 || end < begin {
		return fmt.Errorf("%s has no generated results section: add the lines %q and %q where the results belong, "+
			"or pass -output with another file", path, resultsBegin, resultsEnd)
	}
	updated := text[:begin] + section + strings.TrimPrefix(text[end+len(resultsEnd):], "\n")
	return writeFile(path, updated)
}

// writeFile writes a file that others may read: the benchmarks page or a configuration.
func writeFile(path, text string) error {
	return os.WriteFile(path, []byte(text), 0o644) //nolint:gosec // G306: nothing the benchmark writes is secret
}

func mkdir(path string) error {
	return os.MkdirAll(path, 0o750)
}
