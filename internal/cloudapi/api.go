// Package cloudapi is the "一朵云" data interface (R-A6): a versioned, read-only
// JSON API under /api/cloud/v1/ for the city's cloud management platform and
// the supervising authority (role supervisor, 监管用户). It serves the cloud's
// alerts, its VMs with their relations (VM → host → cluster → system →
// department) and utilisation, utilisation over a range per instance, system
// or department, and metering (vCPU-hours, GB-hours, instance-hours and yuan
// from the contract's price caps) per month.
//
// openapi.yaml, embedded and served at /api/cloud/v1/openapi.yaml, is the
// contract; the tests validate every handler's requests and responses against
// it. The package reads its data through three small seams the app wires: a
// PromQL instant query, the incident store and the current inventory.
package cloudapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/prometheus/promql"

	"github.com/swanwatch/swanwatch/internal/inventory"
	"github.com/swanwatch/swanwatch/internal/pricelist"
	"github.com/swanwatch/swanwatch/rules/alerting"
)

// Prefix is where the app mounts the API; the version is part of the path,
// so a v2 can live beside v1.
const Prefix = "/api/cloud/v1/"

// InstantQuery evaluates PromQL at one instant: api.Query.Instant.
type InstantQuery func(ctx context.Context, expr string, at time.Time) (promql.Vector, error)

// IncidentLister lists incidents: *alerting.Incidents.
type IncidentLister interface {
	List(ctx context.Context, f alerting.IncidentFilter) ([]alerting.Incident, error)
}

// Options are the API's data sources.
type Options struct {
	Query     InstantQuery              // required
	Incidents IncidentLister            // required
	Targets   func() []inventory.Target // required: the current inventory
	// Prices is the contract's price list; nil: pricelist.Default().
	Prices *pricelist.Table
	// CloudKinds are the inventory kinds whose incidents are the cloud's
	// (besides any incident of a lot A requirement, R-A…); nil: DefaultCloudKinds.
	CloudKinds []string
	Now        func() time.Time // nil: time.Now
	Logger     *slog.Logger     // nil: discard
}

// DefaultCloudKinds are the inventory kinds of the government cloud.
var DefaultCloudKinds = []string{"agent", "hypervisor", "bmc"}

// API serves the cloud data interface.
type API struct {
	opts Options
	log  *slog.Logger
}

// New checks the data sources and builds the API.
func New(o Options) (*API, error) {
	if o.Query == nil || o.Incidents == nil || o.Targets == nil {
		return nil, errors.New("cloudapi: Query, Incidents and Targets are required")
	}
	if o.Prices == nil {
		o.Prices = pricelist.Default()
	}
	if o.CloudKinds == nil {
		o.CloudKinds = DefaultCloudKinds
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return &API{opts: o, log: o.Logger}, nil
}

// Handlers are the API's routes, "GET <path>" → handler, each for the
// supervisor role (and so for every role above it). The app mounts them all.
func (a *API) Handlers() map[string]http.Handler {
	return map[string]http.Handler{
		"GET " + Prefix + "alerts":       a.Alerts(),
		"GET " + Prefix + "instances":    a.Instances(),
		"GET " + Prefix + "utilisation":  a.Utilisation(),
		"GET " + Prefix + "metering":     a.Metering(),
		"GET " + Prefix + "openapi.yaml": OpenAPI(),
	}
}
