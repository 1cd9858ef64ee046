// Package events is the in-process publish/subscribe hub that feeds the
// browser's server-sent events: background work (imports, sending,
// delivery reports) publishes on a topic, each open page subscribes to the
// topics it shows. Delivery is latest-value: a slow subscriber misses
// intermediate events but always gets the newest one, and a publisher never
// blocks on a subscriber.
package events
