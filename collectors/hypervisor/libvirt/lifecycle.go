package libvirt

import (
	"context"
	"sync"
	"time"

	golibvirt "github.com/digitalocean/go-libvirt"

	"github.com/swanwatch/swanwatch/collectors"
)

// maxPending bounds the lifecycle events kept between two rounds; a host
// that starts and stops thousands of VMs in one interval loses the rest
// (counted in the log), never memory.
const maxPending = 4096

// lifecycle holds libvirt's lifecycle events of one connection until the
// next round takes them: they see a VM that stopped and started again
// between two rounds, which comparing states cannot.
type lifecycle struct {
	cancel context.CancelFunc
	done   chan struct{}

	mu      sync.Mutex
	pending []lifecycleMsg
	dropped int
}

type lifecycleMsg struct {
	msg golibvirt.DomainEventLifecycleMsg
	at  time.Time
}

// subscribe registers for lifecycle events on a fresh connection. A
// daemon that refuses leaves the driver with state comparison only.
func subscribe(lv *golibvirt.Libvirt) (*lifecycle, error) {
	ctx, cancel := context.WithCancel(context.Background())
	ch, err := lv.LifecycleEvents(ctx)
	if err != nil {
		cancel()
		return nil, err
	}
	s := &lifecycle{cancel: cancel, done: make(chan struct{})}
	go s.receive(ch)
	return s, nil
}

// receive keeps events until the channel closes (connection lost or stop).
func (s *lifecycle) receive(ch <-chan golibvirt.DomainEventLifecycleMsg) {
	defer close(s.done)
	for m := range ch {
		s.mu.Lock()
		if len(s.pending) < maxPending {
			s.pending = append(s.pending, lifecycleMsg{msg: m, at: time.Now()})
		} else {
			s.dropped++
		}
		s.mu.Unlock()
	}
}

// take returns the events kept since the last call and how many were dropped.
func (s *lifecycle) take() ([]lifecycleMsg, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, n := s.pending, s.dropped
	s.pending, s.dropped = nil, 0
	return p, n
}

// stop ends the subscription; the connection must be closing, so that
// go-libvirt's deregistration call returns at once.
func (s *lifecycle) stop() {
	s.cancel()
	<-s.done
}

// lifecycleEvents are virDomainEventType values and what they mean here.
// Shutdown (guest-initiated, in progress) is followed by Stopped; Defined
// and Undefined change no running state.
var lifecycleEvents = map[int32]struct{ event, id, text string }{
	int32(golibvirt.DomainEventStarted):     {"vm_started", "VIR_DOMAIN_EVENT_STARTED", "云服务器已启动"},
	int32(golibvirt.DomainEventResumed):     {"vm_started", "VIR_DOMAIN_EVENT_RESUMED", "云服务器已恢复运行"},
	int32(golibvirt.DomainEventSuspended):   {"vm_stopped", "VIR_DOMAIN_EVENT_SUSPENDED", "云服务器已暂停"},
	int32(golibvirt.DomainEventStopped):     {"vm_stopped", "VIR_DOMAIN_EVENT_STOPPED", "云服务器已停止"},
	int32(golibvirt.DomainEventCrashed):     {"vm_stopped", "VIR_DOMAIN_EVENT_CRASHED", "云服务器已崩溃"},
	int32(golibvirt.DomainEventPmsuspended): {"vm_stopped", "VIR_DOMAIN_EVENT_PMSUSPENDED", "云服务器已休眠"},
}

// lifecycleToEvents turns the kept messages into hypervisor events.
func (d *Driver) lifecycleToEvents(msgs []lifecycleMsg) []collectors.Event {
	var out []collectors.Event
	for _, m := range msgs {
		k, ok := lifecycleEvents[m.msg.Event]
		if !ok {
			continue
		}
		ev := d.hostEvent(k.event, k.text+": "+m.msg.Dom.Name, m.at)
		ev.Labels["vm"] = m.msg.Dom.Name
		ev.Labels["event_type_id"] = k.id
		out = append(out, ev)
	}
	return out
}

// peek returns the kept messages without taking them (tests wait on it).
func (s *lifecycle) peek() []lifecycleMsg {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]lifecycleMsg(nil), s.pending...)
}
