package collectors

// ValidMetricName reports whether s is a metric name in Prometheus's classic
// character set ([a-zA-Z_:][a-zA-Z0-9_:]*). The Runner accepts only these so that
// every series can be queried with plain PromQL and remote-written anywhere.
func ValidMetricName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isAlpha(c) || c == '_' || c == ':' || (i > 0 && isDigit(c))) {
			return false
		}
	}
	return true
}

// ValidLabelName reports whether s is a label name in Prometheus's classic
// character set ([a-zA-Z_][a-zA-Z0-9_]*).
func ValidLabelName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isAlpha(c) || c == '_' || (i > 0 && isDigit(c))) {
			return false
		}
	}
	return true
}

// ReservedLabelName reports whether a collector may not emit a label of this name
// whatever the target: names starting with "__" belong to Prometheus, and `kind`
// and `instance` identify the target.
func ReservedLabelName(s string) bool {
	return len(s) >= 2 && s[0] == '_' && s[1] == '_' || s == LabelKind || s == LabelInstance
}

// Names of the target labels the Runner adds to every sample, and of the series
// it adds to every round.
const (
	LabelKind     = "kind"
	LabelInstance = "instance"

	MetricUp              = "up"
	MetricCollectDuration = "collect_duration_seconds"
	MetricCollectSamples  = "collect_samples"
)

// RunnerMetricName reports whether name is one of the series the Runner itself
// writes for every round; collectors may not emit them.
func RunnerMetricName(name string) bool {
	return name == MetricUp || name == MetricCollectDuration || name == MetricCollectSamples
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }
