package sim

import (
	"fmt"
	"math"
	"strings"
)

// The chassis: thermal and power. Older firmware serves the legacy
// Chassis/1/Thermal and Power (arrays of temperatures, fans and supplies in
// one resource each); newer firmware ThermalSubsystem (Fans, ThermalMetrics
// whose readings point at Sensors) and PowerSubsystem (PowerSupplies with
// their Metrics).

// bmcTemp is one temperature sensor.
type bmcTemp struct {
	id, name          string
	reading           float64
	caution, critical float64
}

// temps are the server's temperature sensors at r.
func (s *bmcServer) temps(r bmcReading) []bmcTemp {
	round := func(x float64) float64 { return math.Round(x) }
	return []bmcTemp{
		{"InletTemp", "Inlet Temp", round(r.inlet), 38, 42},
		{"OutletTemp", "Outlet Temp", round(r.inlet + 8 + 10*r.load), 70, 75},
		{"CPU1Temp", "CPU1 Temp", round(r.inlet + 22 + 25*r.load), 88, 95},
		{"CPU2Temp", "CPU2 Temp", round(r.inlet + 20 + 25*r.load), 88, 95},
		{"PCHTemp", "PCH Temp", round(r.inlet + 25), 85, 90},
	}
}

// fanRPM is fan i's speed at r; fans spin up to 13,000 rpm.
func fanRPM(r bmcReading, i int) float64 {
	return math.Round(4800 + 3500*r.load + 80*float64(i))
}

const fanMaxRPM = 13000

func psuName(i int) string { return fmt.Sprintf("PSU%d", i+1) }

// psuHealth is supply i's health at r.
func psuHealth(r bmcReading, i int) string {
	if r.psuDown && i == psuIdx {
		return "Critical"
	}
	return "OK"
}

func (s *bmcServer) chassisRes(seg []string, t float64) rfObj {
	if len(seg) == 0 {
		return rfColl(rfRoot+"/Chassis", "#ChassisCollection.ChassisCollection", "Chassis Collection", []string{rfChassis})
	}
	if seg[0] != "1" {
		return nil
	}
	r := s.reading(t)
	if len(seg) == 1 {
		return s.chassis(r)
	}
	switch {
	case !s.vendor.NewModel && len(seg) == 2 && seg[1] == "Thermal":
		return s.legacyThermal(r)
	case !s.vendor.NewModel && len(seg) == 2 && seg[1] == "Power":
		return s.legacyPower(r)
	case s.vendor.NewModel && seg[1] == "ThermalSubsystem":
		return s.thermalSubsystem(seg[2:], r)
	case s.vendor.NewModel && seg[1] == "PowerSubsystem":
		return s.powerSubsystem(seg[2:], r)
	case s.vendor.NewModel && seg[1] == "Sensors":
		return s.sensors(seg[2:], r)
	}
	return nil
}

func (s *bmcServer) chassis(r bmcReading) rfObj {
	roll := "OK"
	if r.psuDown {
		roll = "Critical"
	}
	c := rfObj{"Id": "1", "Name": "Computer System Chassis", "ChassisType": "RackMount",
		"Manufacturer": s.vendor.Manufacturer, "Model": s.vendor.Model, "SerialNumber": s.serial("2102", 0),
		"PowerState": "On", "Status": rfRollup("OK", roll),
		"Links": rfObj{"ComputerSystems": []any{rfLink(rfSys)}, "ManagedBy": []any{rfLink(rfManager)}}}
	if s.vendor.NewModel {
		c["ThermalSubsystem"], c["PowerSubsystem"] = rfLink(rfChassis+"/ThermalSubsystem"), rfLink(rfChassis+"/PowerSubsystem")
		c["Sensors"] = rfLink(rfChassis + "/Sensors")
		return rfRes(rfChassis, "#Chassis.v1_25_0.Chassis", c)
	}
	c["Thermal"], c["Power"] = rfLink(rfChassis+"/Thermal"), rfLink(rfChassis+"/Power")
	return rfRes(rfChassis, "#Chassis.v1_10_0.Chassis", c)
}

func (s *bmcServer) legacyThermal(r bmcReading) rfObj {
	id := rfChassis + "/Thermal"
	var temps, fans []any
	for i, tp := range s.temps(r) {
		temps = append(temps, rfObj{"@odata.id": fmt.Sprintf("%s#/Temperatures/%d", id, i), "MemberId": fmt.Sprint(i),
			"Name": tp.name, "SensorNumber": 1 + i, "Status": rfStatus("OK"), "ReadingCelsius": tp.reading,
			"UpperThresholdNonCritical": tp.caution, "UpperThresholdCritical": tp.critical,
			"UpperThresholdFatal": tp.critical + 5, "PhysicalContext": "SystemBoard"})
	}
	for i := range rfFans {
		fans = append(fans, rfObj{"@odata.id": fmt.Sprintf("%s#/Fans/%d", id, i), "MemberId": fmt.Sprint(i),
			"Name": fmt.Sprintf("Fan%d Speed", i+1), "Status": rfStatus("OK"), "Reading": fanRPM(r, i),
			"ReadingUnits": "RPM", "LowerThresholdCritical": 1000, "PhysicalContext": "Fan"})
	}
	return rfRes(id, "#Thermal.v1_7_0.Thermal", rfObj{"Id": "Thermal", "Name": "Thermal",
		"Temperatures": temps, "Fans": fans, "Status": rfStatus("OK")})
}

func (s *bmcServer) legacyPower(r bmcReading) rfObj {
	id := rfChassis + "/Power"
	var psus []any
	for i := range 2 {
		psus = append(psus, rfObj{"@odata.id": fmt.Sprintf("%s#/PowerSupplies/%d", id, i), "MemberId": fmt.Sprint(i),
			"Name": psuName(i), "Status": rfStatus(psuHealth(r, i)), "PowerInputWatts": r.psuWatts[i],
			"PowerCapacityWatts": 900, "PowerSupplyType": "AC", "LineInputVoltage": lineVolts(r, i),
			"Model": "PAC900S12-T1", "SerialNumber": s.serial("PS", 300+i)})
	}
	return rfRes(id, "#Power.v1_7_0.Power", rfObj{"Id": "Power", "Name": "Power", "PowerSupplies": psus,
		"PowerControl": []any{rfObj{"@odata.id": id + "#/PowerControl/0", "MemberId": "0", "Name": "System Power Control",
			"PowerConsumedWatts": r.psuWatts[0] + r.psuWatts[1], "PowerCapacityWatts": 1800}}})
}

func lineVolts(r bmcReading, i int) float64 {
	if r.psuDown && i == psuIdx {
		return 0
	}
	return 221
}

func (s *bmcServer) thermalSubsystem(seg []string, r bmcReading) rfObj {
	base := rfChassis + "/ThermalSubsystem"
	switch {
	case len(seg) == 0:
		return rfRes(base, "#ThermalSubsystem.v1_3_0.ThermalSubsystem", rfObj{"Id": "ThermalSubsystem",
			"Name": "Thermal Subsystem", "Fans": rfLink(base + "/Fans"), "ThermalMetrics": rfLink(base + "/ThermalMetrics"),
			"Status": rfRollup("OK", "OK")})
	case seg[0] == "ThermalMetrics" && len(seg) == 1:
		var rd []any
		for _, tp := range s.temps(r) {
			rd = append(rd, rfObj{"DataSourceUri": rfChassis + "/Sensors/" + tp.id, "DeviceName": tp.name, "Reading": tp.reading})
		}
		return rfRes(base+"/ThermalMetrics", "#ThermalMetrics.v1_3_0.ThermalMetrics", rfObj{"Id": "ThermalMetrics",
			"Name": "Chassis Thermal Metrics", "TemperatureReadingsCelsius": rd})
	case seg[0] == "Fans" && len(seg) == 1:
		ids := make([]string, rfFans)
		for i := range ids {
			ids[i] = fmt.Sprintf("%s/Fans/Fan%d", base, i+1)
		}
		return rfColl(base+"/Fans", "#FanCollection.FanCollection", "Fan Collection", ids)
	case seg[0] == "Fans" && len(seg) == 2:
		var i int
		if _, err := fmt.Sscanf(seg[1], "Fan%d", &i); err != nil || i < 1 || i > rfFans || seg[1] != fmt.Sprintf("Fan%d", i) {
			return nil
		}
		rpm := fanRPM(r, i-1)
		return rfRes(base+"/Fans/"+seg[1], "#Fan.v1_5_0.Fan", rfObj{"Id": seg[1], "Name": fmt.Sprintf("Fan %d", i),
			"Status": rfStatus("OK"), "PhysicalContext": "Chassis", "HotPluggable": true,
			"SpeedPercent": rfObj{"DataSourceUri": rfChassis + "/Sensors/" + seg[1], "Reading": math.Round(rpm / fanMaxRPM * 100), "SpeedRPM": rpm}})
	}
	return nil
}

func (s *bmcServer) powerSubsystem(seg []string, r bmcReading) rfObj {
	base := rfChassis + "/PowerSubsystem"
	switch {
	case len(seg) == 0:
		return rfRes(base, "#PowerSubsystem.v1_1_0.PowerSubsystem", rfObj{"Id": "PowerSubsystem", "Name": "Power Subsystem",
			"CapacityWatts": 1800, "PowerSupplies": rfLink(base + "/PowerSupplies"), "Status": rfRollup("OK", r.worstPSU())})
	case seg[0] != "PowerSupplies":
		return nil
	case len(seg) == 1:
		return rfColl(base+"/PowerSupplies", "#PowerSupplyCollection.PowerSupplyCollection", "Power Supply Collection",
			[]string{base + "/PowerSupplies/PSU1", base + "/PowerSupplies/PSU2"})
	}
	i := map[string]int{"PSU1": 0, "PSU2": 1}[seg[1]]
	if seg[1] != psuName(i) || len(seg) > 3 || (len(seg) == 3 && seg[2] != "Metrics") {
		return nil
	}
	id := base + "/PowerSupplies/" + seg[1]
	if len(seg) == 3 {
		return rfRes(id+"/Metrics", "#PowerSupplyMetrics.v1_1_0.PowerSupplyMetrics", rfObj{"Id": "Metrics",
			"Name": seg[1] + " Metrics", "InputPowerWatts": rfObj{"Reading": r.psuWatts[i]},
			"InputVoltage": rfObj{"Reading": lineVolts(r, i)}})
	}
	line := "Normal"
	if psuHealth(r, i) != "OK" {
		line = "LossOfInput"
	}
	return rfRes(id, "#PowerSupply.v1_5_0.PowerSupply", rfObj{"Id": seg[1], "Name": seg[1], "Status": rfStatus(psuHealth(r, i)),
		"PowerSupplyType": "AC", "LineInputStatus": line, "PowerCapacityWatts": 900, "Model": "GW-CRPS900N2",
		"SerialNumber": s.serial("PS", 300+i), "HotPluggable": true, "Metrics": rfLink(id + "/Metrics")})
}

func (r bmcReading) worstPSU() string {
	if r.psuDown {
		return "Critical"
	}
	return "OK"
}

func (s *bmcServer) sensors(seg []string, r bmcReading) rfObj {
	base := rfChassis + "/Sensors"
	temps := s.temps(r)
	if len(seg) == 0 {
		var ids []string
		for _, tp := range temps {
			ids = append(ids, base+"/"+tp.id)
		}
		for i := range rfFans {
			ids = append(ids, fmt.Sprintf("%s/Fan%d", base, i+1))
		}
		return rfColl(base, "#SensorCollection.SensorCollection", "Sensor Collection", ids)
	}
	if len(seg) != 1 {
		return nil
	}
	for _, tp := range temps {
		if tp.id == seg[0] {
			return rfRes(base+"/"+tp.id, "#Sensor.v1_7_0.Sensor", rfObj{"Id": tp.id, "Name": tp.name,
				"ReadingType": "Temperature", "ReadingUnits": "Cel", "Reading": tp.reading, "Status": rfStatus("OK"),
				"Thresholds": rfObj{"UpperCaution": rfObj{"Reading": tp.caution}, "UpperCritical": rfObj{"Reading": tp.critical}}})
		}
	}
	var i int
	if _, err := fmt.Sscanf(seg[0], "Fan%d", &i); err == nil && i >= 1 && i <= rfFans && strings.EqualFold(seg[0], fmt.Sprintf("Fan%d", i)) && seg[0] == fmt.Sprintf("Fan%d", i) {
		return rfRes(base+"/"+seg[0], "#Sensor.v1_7_0.Sensor", rfObj{"Id": seg[0], "Name": fmt.Sprintf("Fan %d", i),
			"ReadingType": "Rotational", "ReadingUnits": "RPM", "Reading": fanRPM(r, i-1), "Status": rfStatus("OK")})
	}
	return nil
}
