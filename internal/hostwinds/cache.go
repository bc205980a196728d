package hostwinds

import (
	"context"
	"strconv"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
	"golang.org/x/sync/singleflight"
)

// readCacheTTL bounds how old a shared response may be. A Terraform refresh reads every resource
// within seconds, and a change the provider makes drops the responses it touches at once, so
// the limit only matters for changes made outside Terraform during a long run.
const readCacheTTL = 30 * time.Second

// readCache shares read responses between the resources of one Terraform command: one
// get_instances response serves every instance read, and one get_instance_ips response per
// instance serves all its IP and PTR reads. Any mutating call drops what it touches, so a
// read after a write is always fresh.
type readCache struct {
	group singleflight.Group

	mu sync.Mutex
	// generation counts invalidations, so that an response requested before a change and
	// received after it is not stored.
	generation  uint64
	instances   map[int64]Instance
	instancesAt time.Time
	ips         map[int64]cachedIPs
	profiles    []FirewallProfile
	profilesAt  time.Time
}

type cachedIPs struct {
	addresses []IPAddress
	at        time.Time
}

func newReadCache() *readCache {
	return &readCache{ips: map[int64]cachedIPs{}}
}

// invalidate drops the responses a mutating action may have changed: those of its instance
// when it names one, everything otherwise.
func (rc *readCache) invalidate(serviceID string) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.generation++
	rc.profiles = nil
	id, err := strconv.ParseInt(serviceID, 10, 64)
	if serviceID == "" || err != nil {
		rc.instances = nil
		rc.ips = map[int64]cachedIPs{}
		return
	}
	delete(rc.instances, id)
	delete(rc.ips, id)
}

// ReadInstance returns the instance from a shared get_instances response, calling get_instances
// at most once for all the instances read at about the same time. An instance missing from
// that response is asked for with get_instance, so a missing one still gives an error that
// IsNotFound recognises. Use GetInstance when polling for a change.
func (c *Client) ReadInstance(ctx context.Context, id int64) (*Instance, error) {
	rc := c.cache
	rc.mu.Lock()
	if rc.instances != nil && time.Since(rc.instancesAt) < readCacheTTL {
		instance, ok := rc.instances[id]
		rc.mu.Unlock()
		if ok {
			return &instance, nil
		}
		return c.GetInstance(ctx, id)
	}
	rc.mu.Unlock()

	batch, err, shared := rc.group.Do("instances", func() (any, error) {
		generation := rc.currentGeneration()
		instances, err := c.GetInstances(ctx)
		if err != nil {
			return nil, err
		}
		byID := make(map[int64]Instance, len(instances))
		for _, i := range instances {
			byID[i.ID()] = i
		}
		rc.mu.Lock()
		if rc.generation == generation {
			rc.instances = byID
			rc.instancesAt = time.Now()
		}
		rc.mu.Unlock()
		return byID, nil
	})
	if err != nil {
		// A failed batch must not fail every reader: fall back to reading this one instance.
		tflog.SubsystemDebug(ctx, logSubsystem, "Batched get_instances failed; reading the instance alone",
			map[string]any{"instance_id": id, "error": err.Error(), "shared": shared})
		return c.GetInstance(ctx, id)
	}

	if instance, ok := batch.(map[int64]Instance)[id]; ok {
		return &instance, nil
	}
	return c.GetInstance(ctx, id)
}

func (rc *readCache) currentGeneration() uint64 {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.generation
}

// ReadInstanceIPs returns the instance's addresses from a response shared by every IP and PTR
// read of that instance. Use GetInstanceIPs when polling for a new address.
func (c *Client) ReadInstanceIPs(ctx context.Context, id int64) ([]IPAddress, error) {
	rc := c.cache
	rc.mu.Lock()
	if cached, ok := rc.ips[id]; ok && time.Since(cached.at) < readCacheTTL {
		rc.mu.Unlock()
		return cached.addresses, nil
	}
	rc.mu.Unlock()

	addresses, err, _ := rc.group.Do("ips/"+strconv.FormatInt(id, 10), func() (any, error) {
		generation := rc.currentGeneration()
		addresses, err := c.GetInstanceIPs(ctx, id)
		if err != nil {
			return nil, err
		}
		rc.mu.Lock()
		if rc.generation == generation {
			rc.ips[id] = cachedIPs{addresses: addresses, at: time.Now()}
		}
		rc.mu.Unlock()
		return addresses, nil
	})
	if err != nil {
		return nil, err
	}
	return addresses.([]IPAddress), nil
}

// ReadFirewallProfiles returns the account's profiles from a response shared by every profile
// read. Use GetFirewallProfiles when looking for a profile just created.
func (c *Client) ReadFirewallProfiles(ctx context.Context) ([]FirewallProfile, error) {
	rc := c.cache
	rc.mu.Lock()
	if rc.profiles != nil && time.Since(rc.profilesAt) < readCacheTTL {
		profiles := rc.profiles
		rc.mu.Unlock()
		return profiles, nil
	}
	rc.mu.Unlock()

	profiles, err, _ := rc.group.Do("profiles", func() (any, error) {
		generation := rc.currentGeneration()
		profiles, err := c.GetFirewallProfiles(ctx)
		if err != nil {
			return nil, err
		}
		rc.mu.Lock()
		if rc.generation == generation {
			rc.profiles = profiles
			rc.profilesAt = time.Now()
		}
		rc.mu.Unlock()
		return profiles, nil
	})
	if err != nil {
		return nil, err
	}
	return profiles.([]FirewallProfile), nil
}
