package provider_test

import (
	"fmt"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/mockserver"
)

func TestAccInstance_interruptDuringBuildCreatesOnce(t *testing.T) {
	// A build long enough to interrupt, which the test then finishes by hand.
	srv, err := mockserver.Start(mockserver.Config{BuildDelay: time.Hour, TaskDelay: testTaskDelay})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	run := newCLIRun(t, srv, fmt.Sprintf(`
resource "hostwinds_instance" "mail" {
  name             = "interrupted"
  location_id      = 1
  plan_id          = 301
  image            = %q
  billing_cycle    = "monthly"
  firewall_profile = "default"
  root_password    = "correct-horse-battery"
}
`, mockserver.ImageUbuntu2404))

	cmd, output := run.command(nil, "apply", "-auto-approve", "-no-color")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 60*time.Second, "the instance to be ordered and polled", func() bool {
		return len(srv.Instances()) == 1 && srv.Calls("get_instance") >= 3
	})
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	select {
	case <-exited:
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
		t.Fatalf("terraform did not stop within 60 s of the interrupt:\n%s", output.String())
	}
	if !strings.Contains(output.String(), "Instance creation interrupted") {
		t.Fatalf("the interrupted apply did not explain itself:\n%s", output.String())
	}

	state := run.mustRun(0, "state", "list")
	if !strings.Contains(state, "hostwinds_instance.mail") {
		t.Fatalf("the interrupted instance is not in state:\n%s", state)
	}
	show := run.mustRun(0, "state", "show", "-no-color", "hostwinds_instance.mail")
	if strings.Contains(show, "tainted") {
		t.Fatalf("the interrupted instance is tainted, so the next apply would order a second one:\n%s", show)
	}

	// The build is still running when the next apply starts: the apply plans an in-place
	// update that waits for it, then applies the root password the interrupt left out.
	instance := srv.Instances()[0]
	finishBuild := time.AfterFunc(1500*time.Millisecond, func() {
		srv.UpdateInstance(instance.ServiceID, func(i *mockserver.Instance) {
			i.Status = "ACTIVE"
			i.TaskState = nil
			i.PowerState = "Running"
		})
	})
	defer finishBuild.Stop()
	out := run.mustRun(0, "apply", "-auto-approve", "-no-color")
	if !strings.Contains(out, "will be updated in-place") {
		t.Errorf("the second apply did not plan an in-place update:\n%s", out)
	}
	if strings.Contains(out, "must be replaced") || strings.Contains(out, "will be created") {
		t.Errorf("the second apply planned a new instance:\n%s", out)
	}
	if got, _ := srv.Instance(instance.ServiceID); got.Password != "correct-horse-battery" {
		t.Errorf("the second apply did not set the configured root password")
	}
	if n := srv.Calls("add_instance"); n != 1 {
		t.Errorf("add_instance was called %d times, want 1", n)
	}
	run.mustRun(0, "plan", "-detailed-exitcode", "-no-color")
	run.mustRun(0, "destroy", "-auto-approve", "-no-color")
	if n := len(srv.Instances()); n != 0 {
		t.Errorf("after destroy the mock holds %d instances", n)
	}
}
