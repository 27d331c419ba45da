package bmc

import "encoding/json"

// The Redfish resources the collector reads, only the properties it uses
// (DMTF Redfish schema 2025.4). Numbers are pointers: a BMC writes null
// for a sensor it cannot read, and null is not zero.

// link is a navigation property.
type link struct {
	ID string `json:"@odata.id"`
}

// status is Resource.Status.
type status struct {
	State        string      `json:"State"`
	Health       string      `json:"Health"`
	HealthRollup string      `json:"HealthRollup"`
	Conditions   []condition `json:"Conditions"`
}

// condition is Resource.Condition: why a rolled-up health is not OK.
type condition struct {
	MessageID string `json:"MessageId"`
	Severity  string `json:"Severity"`
	Message   string `json:"Message"`
}

type serviceRoot struct {
	Systems        link `json:"Systems"`
	Chassis        link `json:"Chassis"`
	Managers       link `json:"Managers"`
	SessionService link `json:"SessionService"`
	Links          struct {
		Sessions link `json:"Sessions"`
	} `json:"Links"`
	ProtocolFeaturesSupported struct {
		ExpandQuery struct {
			ExpandAll bool `json:"ExpandAll"`
			Levels    bool `json:"Levels"`
			NoLinks   bool `json:"NoLinks"`
		} `json:"ExpandQuery"`
		TopSkipQuery bool `json:"TopSkipQuery"`
	} `json:"ProtocolFeaturesSupported"`
}

// collection is any resource collection; Members are raw, since an
// expanded collection carries whole resources and a plain one only links.
type collection struct {
	Members []json.RawMessage `json:"Members"`
}

type summary struct {
	Status status `json:"Status"`
}

type system struct {
	ID               string  `json:"Id"`
	PowerState       string  `json:"PowerState"`
	Status           status  `json:"Status"`
	ProcessorSummary summary `json:"ProcessorSummary"`
	MemorySummary    summary `json:"MemorySummary"`
	Processors       link    `json:"Processors"`
	Memory           link    `json:"Memory"`
	Storage          link    `json:"Storage"`
	LogServices      link    `json:"LogServices"`
}

// component is any member whose Id and Status are all we read (Processor,
// Storage, PowerSupply of either model, Fan of the new model).
type component struct {
	ID     string `json:"Id"`
	Name   string `json:"Name"`
	Status status `json:"Status"`
}

type memory struct {
	component
	MemoryMetrics link `json:"Metrics"`
}

type memoryMetrics struct {
	LifeTime struct {
		CorrectableECCErrorCount   *float64 `json:"CorrectableECCErrorCount"`
		UncorrectableECCErrorCount *float64 `json:"UncorrectableECCErrorCount"`
	} `json:"LifeTime"`
}

type storage struct {
	component
	Drives []link `json:"Drives"`
}

type drive struct {
	component
	FailurePredicted              *bool    `json:"FailurePredicted"`
	PredictedMediaLifeLeftPercent *float64 `json:"PredictedMediaLifeLeftPercent"`
}

type chassis struct {
	component
	Thermal            link `json:"Thermal"`
	Power              link `json:"Power"`
	ThermalSubsystem   link `json:"ThermalSubsystem"`
	PowerSubsystem     link `json:"PowerSubsystem"`
	EnvironmentMetrics link `json:"EnvironmentMetrics"`
	Sensors            link `json:"Sensors"`
}

// thermal is the legacy (deprecated, still common) Chassis/{id}/Thermal.
type thermal struct {
	Temperatures []struct {
		MemberID               string   `json:"MemberId"`
		Name                   string   `json:"Name"`
		Status                 status   `json:"Status"`
		ReadingCelsius         *float64 `json:"ReadingCelsius"`
		UpperThresholdCritical *float64 `json:"UpperThresholdCritical"`
		UpperThresholdNonCrit  *float64 `json:"UpperThresholdNonCritical"`
		UpperThresholdFatal    *float64 `json:"UpperThresholdFatal"`
	} `json:"Temperatures"`
	Fans []struct {
		MemberID     string   `json:"MemberId"`
		Name         string   `json:"Name"`
		Status       status   `json:"Status"`
		Reading      *float64 `json:"Reading"`
		ReadingUnits string   `json:"ReadingUnits"`
	} `json:"Fans"`
}

// power is the legacy Chassis/{id}/Power.
type power struct {
	PowerSupplies []struct {
		MemberID        string   `json:"MemberId"`
		Name            string   `json:"Name"`
		Status          status   `json:"Status"`
		PowerInputWatts *float64 `json:"PowerInputWatts"`
	} `json:"PowerSupplies"`
}

type thermalSubsystem struct {
	Fans           link `json:"Fans"`
	ThermalMetrics link `json:"ThermalMetrics"`
}

type fan struct {
	component
	SpeedPercent *struct {
		Reading  *float64 `json:"Reading"`
		SpeedRPM *float64 `json:"SpeedRPM"`
	} `json:"SpeedPercent"`
}

// reading is a SensorExcerpt: a value and the sensor it comes from.
type reading struct {
	Reading       *float64 `json:"Reading"`
	DataSourceURI string   `json:"DataSourceUri"`
	DeviceName    string   `json:"DeviceName"`
	SpeedRPM      *float64 `json:"SpeedRPM"`
}

type thermalMetrics struct {
	TemperatureReadingsCelsius []reading `json:"TemperatureReadingsCelsius"`
}

type powerSubsystem struct {
	PowerSupplies link `json:"PowerSupplies"`
}

type powerSupply struct {
	component
	Metrics link `json:"Metrics"`
}

type powerSupplyMetrics struct {
	InputPowerWatts *reading `json:"InputPowerWatts"`
}

type environmentMetrics struct {
	TemperatureCelsius *reading  `json:"TemperatureCelsius"`
	FanSpeedsPercent   []reading `json:"FanSpeedsPercent"`
}

type threshold struct {
	Reading *float64 `json:"Reading"`
}

type sensor struct {
	component
	Reading      *float64 `json:"Reading"`
	ReadingType  string   `json:"ReadingType"`
	ReadingUnits string   `json:"ReadingUnits"`
	Thresholds   struct {
		UpperCritical *threshold `json:"UpperCritical"`
	} `json:"Thresholds"`
}

type logService struct {
	ID      string `json:"Id"`
	Entries link   `json:"Entries"`
}

type logEntry struct {
	ID         string `json:"Id"`
	EntryType  string `json:"EntryType"`
	Severity   string `json:"Severity"`
	Created    string `json:"Created"`
	SensorType string `json:"SensorType"`
	Message    string `json:"Message"`
	MessageID  string `json:"MessageId"`
}

type manager struct {
	LogServices link `json:"LogServices"`
}
