// Package events is the in-process publish/subscribe hub that feeds the
// browser's server-sent events: background work (imports, sending,
// delivery reports) publishes on a topic, each open page subscribes to the
// topics it shows. Delivery is latest-value: a slow subscriber misses
// intermediate events but always gets the newest one, and a publisher never
// blocks on a subscriber.
//
// Several console instances over one database join their hubs through an
// optional Relay (NewRelayed, then Listen): a published event reaches
// local subscribers and is sent on; events received from the relay reach
// local subscribers only, so nothing loops back. Without a relay (SQLite,
// one instance) the hub is purely in-process. Event data that crosses a
// relay must survive its encoding (plain values; subscribers re-read the
// state they show rather than trusting a payload).
package events
