package hostwinds

import (
	"context"
	"testing"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/mockserver"
)

// startCacheMock starts a mock API holding two instances with one extra address each.
func startCacheMock(t *testing.T) (*mockserver.Server, *Client, []int64) {
	t.Helper()
	srv, err := mockserver.Start(mockserver.Config{APIKey: testAPIKey})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	c := newTestClient(t, srv.URL())
	ctx := context.Background()
	for _, name := range []string{"cache-a", "cache-b"} {
		if err := c.AddInstance(ctx, CreateInstanceRequest{Name: name, ImageUUID: mockserver.ImageUbuntu2404, PlanID: 301, LocationID: 1}); err != nil {
			t.Fatal(err)
		}
	}
	var ids []int64
	for _, i := range srv.Instances() {
		ids = append(ids, int64(i.ServiceID))
		if err := c.AddIP(ctx, int64(i.ServiceID)); err != nil {
			t.Fatal(err)
		}
	}
	srv.ResetCalls()
	return srv, c, ids
}

func TestReadInstance_oneBatchServesAll(t *testing.T) {
	srv, c, ids := startCacheMock(t)
	ctx := context.Background()
	for round := 0; round < 3; round++ {
		for _, id := range ids {
			instance, err := c.ReadInstance(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if instance.ID() != id {
				t.Errorf("ReadInstance(%d) returned instance %d", id, instance.ID())
			}
		}
	}
	if n := srv.Calls("get_instances"); n != 1 {
		t.Errorf("get_instances was called %d times, want 1", n)
	}
	if n := srv.Calls("get_instance"); n != 0 {
		t.Errorf("get_instance was called %d times, want 0", n)
	}
}

func TestReadInstance_writeMakesNextReadFresh(t *testing.T) {
	srv, c, ids := startCacheMock(t)
	ctx := context.Background()
	if _, err := c.ReadInstance(ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	if err := c.RenameInstance(ctx, ids[0], "renamed"); err != nil {
		t.Fatal(err)
	}
	instance, err := c.ReadInstance(ctx, ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if instance.Name != "renamed" {
		t.Errorf("read after rename returned label %q, want %q", instance.Name, "renamed")
	}
	if n := srv.Calls("get_instances") + srv.Calls("get_instance"); n != 2 {
		t.Errorf("reads sent %d calls, want 2 (one before and one after the write)", n)
	}
}

func TestReadInstance_missingInstanceIsNotFound(t *testing.T) {
	srv, c, ids := startCacheMock(t)
	ctx := context.Background()
	if _, err := c.ReadInstance(ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	_, err := c.ReadInstance(ctx, 99999)
	if !IsNotFound(err) {
		t.Errorf("ReadInstance of a missing instance returned %v, want a not-found error", err)
	}
	if n := srv.Calls("get_instance"); n != 1 {
		t.Errorf("get_instance was called %d times, want 1 (the fallback for the missing id)", n)
	}
}

func TestReadInstanceIPs_sharedPerInstance(t *testing.T) {
	srv, c, ids := startCacheMock(t)
	ctx := context.Background()
	for round := 0; round < 4; round++ {
		for _, id := range ids {
			addresses, err := c.ReadInstanceIPs(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if len(addresses) < 2 {
				t.Errorf("instance %d has %d addresses, want at least 2", id, len(addresses))
			}
		}
	}
	if n := srv.Calls("get_instance_ips"); n != len(ids) {
		t.Errorf("get_instance_ips was called %d times, want %d (one per instance)", n, len(ids))
	}

	// A change to one instance's addresses drops only that instance's response.
	if err := c.AddIP(ctx, ids[0]); err != nil {
		t.Fatal(err)
	}
	srv.ResetCalls()
	for _, id := range ids {
		if _, err := c.ReadInstanceIPs(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	if n := srv.Calls("get_instance_ips"); n != 1 {
		t.Errorf("after add_ip, get_instance_ips was called %d times, want 1", n)
	}
}
