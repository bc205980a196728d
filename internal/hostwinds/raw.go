package hostwinds

import (
	"context"
	"net/url"
)

// CallAction sends any action with params and decodes the "success" value of a read response
// into out, which may be nil. It exists for cmd/hostwinds-probe, which checks action names and
// response shapes against the live API; the provider itself uses the typed methods. The
// request goes through the same rate limit, retries, secret masking and error decoding as
// every other call, and an action missing from Actions is treated as mutating, so it is
// never resent after an ambiguous failure.
func (c *Client) CallAction(ctx context.Context, action string, params url.Values, out any) error {
	return c.call(ctx, action, params, out)
}
