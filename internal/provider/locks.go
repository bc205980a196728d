package provider

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// keyedLocks is a set of locks by key within the provider process. Each lock is a one-slot
// channel instead of a sync.Mutex, so that a waiting operation still ends at its timeout.
type keyedLocks struct {
	mu    sync.Mutex
	locks map[string]chan struct{}
}

func newKeyedLocks() *keyedLocks {
	return &keyedLocks{locks: map[string]chan struct{}{}}
}

// acquire takes the lock of key, calling onWait once if it must wait first. The returned
// function releases the lock.
func (k *keyedLocks) acquire(ctx context.Context, key string, onWait func()) (func(), error) {
	k.mu.Lock()
	lock, ok := k.locks[key]
	if !ok {
		lock = make(chan struct{}, 1)
		k.locks[key] = lock
	}
	k.mu.Unlock()

	release := func() { <-lock }
	select {
	case lock <- struct{}{}:
		return release, nil
	default:
	}
	onWait()
	started := time.Now()
	select {
	case lock <- struct{}{}:
		return release, nil
	case <-ctx.Done():
		return nil, fmt.Errorf("waited %s: %w", time.Since(started).Round(time.Second), ctx.Err())
	}
}
