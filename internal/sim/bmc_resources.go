package sim

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// The BMCs' Redfish resources, generated per request in the shape of the
// DMTF schemas (2025.4) and the public mockups: every resource has its
// @odata.id and @odata.type, collections list their members by link, and
// the tree is service root → Systems/1 (processors, memory with
// MemoryMetrics, storage with drives, the SEL) and Chassis/1 (thermal and
// power, legacy or new model) and Managers/1.

const rfRoot = "/redfish/v1"

type rfObj = map[string]any

func rfLink(id string) rfObj { return rfObj{"@odata.id": id} }

func rfRes(id, typ string, kv rfObj) rfObj {
	kv["@odata.id"], kv["@odata.type"] = id, typ
	return kv
}

func rfColl(id, typ, name string, members []string) rfObj {
	ms := make([]any, len(members))
	for i, m := range members {
		ms[i] = rfLink(m)
	}
	return rfRes(id, typ, rfObj{"Name": name, "Members": ms, "Members@odata.count": len(ms)})
}

func rfStatus(health string) rfObj { return rfObj{"State": "Enabled", "Health": health} }

func rfRollup(health, roll string) rfObj {
	return rfObj{"State": "Enabled", "Health": health, "HealthRollup": roll}
}

// Fixed ids of the one system, chassis and manager a rack server has.
const (
	rfSys     = rfRoot + "/Systems/1"
	rfChassis = rfRoot + "/Chassis/1"
	rfManager = rfRoot + "/Managers/1"
	rfFans    = 6
)

// resource returns the resource at path (without a trailing slash) at t,
// or nil when there is none.
func (s *bmcServer) resource(path string, t float64) rfObj {
	if path == rfRoot {
		return s.serviceRoot()
	}
	rest, ok := strings.CutPrefix(path, rfRoot+"/")
	if !ok {
		return nil
	}
	seg := strings.Split(rest, "/")
	switch seg[0] {
	case "Systems":
		return s.systems(seg[1:], t)
	case "Chassis":
		return s.chassisRes(seg[1:], t)
	case "Managers":
		return s.managers(seg[1:])
	case "SessionService":
		return s.sessionService(seg[1:])
	}
	return nil
}

func (s *bmcServer) serviceRoot() rfObj {
	root := rfRes(rfRoot, "#ServiceRoot.v1_15_0.ServiceRoot", rfObj{"Id": "RootService", "Name": "Root Service",
		"RedfishVersion": "1.15.0", "UUID": s.uuid(0), "Vendor": s.vendor.Manufacturer,
		"Systems": rfLink(rfRoot + "/Systems"), "Chassis": rfLink(rfRoot + "/Chassis"), "Managers": rfLink(rfRoot + "/Managers"),
		"SessionService": rfLink(rfRoot + "/SessionService"),
		"Links":          rfObj{"Sessions": rfLink(rfRoot + "/SessionService/Sessions")}})
	if s.vendor.Expand {
		root["ProtocolFeaturesSupported"] = rfObj{"ExpandQuery": rfObj{"ExpandAll": false, "Levels": true, "MaxLevels": 1,
			"Links": false, "NoLinks": true}, "SelectQuery": false, "FilterQuery": false, "TopSkipQuery": true}
	} else {
		root["ProtocolFeaturesSupported"] = rfObj{"ExpandQuery": rfObj{"ExpandAll": false, "Levels": false, "Links": false,
			"NoLinks": false}, "TopSkipQuery": true}
	}
	return root
}

func (s *bmcServer) uuid(n uint64) string {
	h := hash3(s.seed, n, 0x75756964)
	g := hash3(h, n, 1)
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", uint32(h), uint16(h>>32), uint16(h>>48), uint16(g), g>>16)
}

func (s *bmcServer) serial(kind string, n int) string {
	return fmt.Sprintf("%s%010d", kind, hash3(s.seed, uint64(n), uint64(len(kind)))%10000000000)
}

func (s *bmcServer) systems(seg []string, t float64) rfObj {
	if len(seg) == 0 {
		return rfColl(rfRoot+"/Systems", "#ComputerSystemCollection.ComputerSystemCollection", "Computer System Collection", []string{rfSys})
	}
	if seg[0] != "1" {
		return nil
	}
	r := s.reading(t)
	switch {
	case len(seg) == 1:
		return s.system(r)
	case seg[1] == "Processors":
		return s.processors(seg[2:])
	case seg[1] == "Memory":
		return s.memoryRes(seg[2:], r)
	case seg[1] == "Storage":
		return s.storageRes(seg[2:], r)
	case seg[1] == "LogServices":
		return s.logServices(seg[2:], r)
	}
	return nil
}

func (s *bmcServer) system(r bmcReading) rfObj {
	memHealth, memRoll := "OK", "OK"
	if r.dimmWarn >= 0 {
		memRoll = "Warning"
	}
	return rfRes(rfSys, "#ComputerSystem.v1_20_0.ComputerSystem", rfObj{"Id": "1", "Name": "Computer System",
		"SystemType": "Physical", "Manufacturer": s.vendor.Manufacturer, "Model": s.vendor.Model,
		"SerialNumber": s.serial("2102", 0), "UUID": s.uuid(1), "HostName": s.host, "PowerState": "On",
		"BiosVersion": "5.13", "Status": rfRollup("OK", r.worstHealth),
		"ProcessorSummary": rfObj{"Count": 2, "Model": "Intel(R) Xeon(R) Gold 6248R CPU @ 3.00GHz", "Status": rfRollup("OK", "OK")},
		"MemorySummary":    rfObj{"TotalSystemMemoryGiB": 32 * s.dimms, "Status": rfRollup(memHealth, memRoll)},
		"Processors":       rfLink(rfSys + "/Processors"), "Memory": rfLink(rfSys + "/Memory"),
		"Storage": rfLink(rfSys + "/Storage"), "LogServices": rfLink(rfSys + "/LogServices"),
		"Links": rfObj{"Chassis": []any{rfLink(rfChassis)}, "ManagedBy": []any{rfLink(rfManager)}}})
}

func (s *bmcServer) processors(seg []string) rfObj {
	base := rfSys + "/Processors"
	if len(seg) == 0 {
		return rfColl(base, "#ProcessorCollection.ProcessorCollection", "Processors Collection", []string{base + "/CPU1", base + "/CPU2"})
	}
	if len(seg) != 1 || (seg[0] != "CPU1" && seg[0] != "CPU2") {
		return nil
	}
	return rfRes(base+"/"+seg[0], "#Processor.v1_18_0.Processor", rfObj{"Id": seg[0], "Name": seg[0],
		"Socket": seg[0], "ProcessorType": "CPU", "ProcessorArchitecture": "x86", "InstructionSet": "x86-64",
		"Manufacturer": "Intel(R) Corporation", "Model": "Intel(R) Xeon(R) Gold 6248R CPU @ 3.00GHz",
		"MaxSpeedMHz": 4000, "TotalCores": 24, "TotalThreads": 48, "Status": rfStatus("OK")})
}

func (s *bmcServer) dimmName(i int) string {
	half := s.dimms / 2
	return fmt.Sprintf("DIMM_%c%d", 'A'+i/half, i%half+1)
}

func (s *bmcServer) dimmIndex(name string) int {
	for i := range s.dimms {
		if s.dimmName(i) == name {
			return i
		}
	}
	return -1
}

func (s *bmcServer) memoryRes(seg []string, r bmcReading) rfObj {
	base := rfSys + "/Memory"
	if len(seg) == 0 {
		ids := make([]string, s.dimms)
		for i := range ids {
			ids[i] = base + "/" + s.dimmName(i)
		}
		return rfColl(base, "#MemoryCollection.MemoryCollection", "Memory Module Collection", ids)
	}
	i := s.dimmIndex(seg[0])
	if i < 0 || len(seg) > 2 || (len(seg) == 2 && seg[1] != "MemoryMetrics") {
		return nil
	}
	id := base + "/" + seg[0]
	if len(seg) == 2 {
		return rfRes(id+"/MemoryMetrics", "#MemoryMetrics.v1_7_0.MemoryMetrics", rfObj{"Id": "MemoryMetrics",
			"Name":     seg[0] + " Memory Metrics",
			"LifeTime": rfObj{"CorrectableECCErrorCount": r.ecc[i], "UncorrectableECCErrorCount": 0},
			"HealthData": rfObj{"AlarmTrips": rfObj{"CorrectableECCError": r.dimmWarn == i, "UncorrectableECCError": false,
				"Temperature": false, "SpareBlock": false}}})
	}
	health := "OK"
	if r.dimmWarn == i {
		health = "Warning"
	}
	return rfRes(id, "#Memory.v1_17_0.Memory", rfObj{"Id": seg[0], "Name": seg[0], "DeviceLocator": seg[0],
		"MemoryDeviceType": "DDR4", "MemoryType": "DRAM", "CapacityMiB": 32768, "OperatingSpeedMhz": 2933,
		"Manufacturer": "Samsung", "PartNumber": "M393A4K40DB3-CWE", "SerialNumber": s.serial("S", 100+i),
		"ErrorCorrection": "MultiBitECC", "Status": rfStatus(health), "Metrics": rfLink(id + "/MemoryMetrics")})
}

func driveName(i int) string { return "Disk" + strconv.Itoa(i) }

// driveSSD: the first two drives are the boot mirror's SSDs.
func driveSSD(i int) bool { return i < 2 }

func (s *bmcServer) storageRes(seg []string, r bmcReading) rfObj {
	base := rfSys + "/Storage"
	if len(seg) == 0 {
		return rfColl(base, "#StorageCollection.StorageCollection", "Storage Collection", []string{base + "/RAIDStorage0"})
	}
	if seg[0] != "RAIDStorage0" {
		return nil
	}
	id := base + "/RAIDStorage0"
	if len(seg) == 1 {
		drives := make([]any, s.drives)
		for i := range drives {
			drives[i] = rfLink(id + "/Drives/" + driveName(i))
		}
		health := "OK"
		if r.drivePred >= 0 {
			health = "Warning"
		}
		return rfRes(id, "#Storage.v1_15_0.Storage", rfObj{"Id": "RAIDStorage0", "Name": "RAID Storage",
			"Status": rfRollup("OK", health), "Drives": drives, "Drives@odata.count": len(drives),
			"StorageControllers": []any{rfObj{"@odata.id": id + "#/StorageControllers/0", "MemberId": "0",
				"Name": "RAID Controller", "Model": "AVAGO MegaRAID SAS 9460-8i", "FirmwareVersion": "5.140.00-3319",
				"SupportedControllerProtocols": []any{"PCIe"}, "SupportedDeviceProtocols": []any{"SAS", "SATA"},
				"Status": rfStatus("OK")}}})
	}
	if len(seg) != 3 || seg[1] != "Drives" {
		return nil
	}
	i, err := strconv.Atoi(strings.TrimPrefix(seg[2], "Disk"))
	if err != nil || i < 0 || i >= s.drives || driveName(i) != seg[2] {
		return nil
	}
	d := rfObj{"Id": seg[2], "Name": seg[2], "Status": rfStatus("OK"), "FailurePredicted": r.drivePred == i,
		"SerialNumber": s.serial("WD", 200+i)}
	if r.drivePred == i {
		d["Status"] = rfStatus("Warning")
	}
	if driveSSD(i) {
		d["MediaType"], d["Protocol"], d["CapacityBytes"], d["Model"] = "SSD", "SATA", 480103981056, "SAMSUNG MZ7LH480HAHQ"
		d["PredictedMediaLifeLeftPercent"] = math.Floor(70 + 29*unit(hash3(s.seed, uint64(i), 0x6c696665)))
	} else {
		d["MediaType"], d["Protocol"], d["CapacityBytes"], d["Model"] = "HDD", "SAS", 2400476553216, "ST2400MM0129"
		d["RotationSpeedRPM"] = 10000
	}
	return rfRes(id+"/Drives/"+seg[2], "#Drive.v1_17_0.Drive", d)
}

func (s *bmcServer) logServices(seg []string, r bmcReading) rfObj {
	base := rfSys + "/LogServices"
	if len(seg) == 0 {
		return rfColl(base, "#LogServiceCollection.LogServiceCollection", "Log Service Collection", []string{base + "/Log1"})
	}
	if seg[0] != "Log1" {
		return nil
	}
	id := base + "/Log1"
	switch {
	case len(seg) == 1:
		return rfRes(id, "#LogService.v1_4_0.LogService", rfObj{"Id": "Log1", "Name": "System Event Log",
			"LogEntryType": "SEL", "MaxNumberOfRecords": 3639, "OverWritePolicy": "WrapsWhenFull",
			"ServiceEnabled": true, "Status": rfStatus("OK"), "Entries": rfLink(id + "/Entries")})
	case len(seg) == 2 && seg[1] == "Entries":
		ms := make([]any, 0, len(r.entries))
		for i := len(r.entries) - 1; i >= 0; i-- { // newest first, as the SEL pages show it
			ms = append(ms, s.entry(id, r.entries[i]))
		}
		return rfRes(id+"/Entries", "#LogEntryCollection.LogEntryCollection", rfObj{"Name": "Log Entry Collection",
			"Members": ms, "Members@odata.count": len(ms)})
	case len(seg) == 3 && seg[1] == "Entries":
		n, err := strconv.Atoi(seg[2])
		if err != nil || n < 1 || n > len(r.entries) {
			return nil
		}
		return s.entry(id, r.entries[n-1])
	}
	return nil
}

func (s *bmcServer) entry(log string, e selEntry) rfObj {
	id := strconv.Itoa(e.id)
	return rfRes(log+"/Entries/"+id, "#LogEntry.v1_15_0.LogEntry", rfObj{"Id": id, "Name": "Log Entry " + id,
		"EntryType": "SEL", "Severity": e.severity, "Created": redfishTime(e.at), "SensorType": e.sensorType,
		"Message": e.message, "MessageId": e.messageID})
}

func (s *bmcServer) managers(seg []string) rfObj {
	if len(seg) == 0 {
		return rfColl(rfRoot+"/Managers", "#ManagerCollection.ManagerCollection", "Manager Collection", []string{rfManager})
	}
	if len(seg) != 1 || seg[0] != "1" {
		return nil
	}
	return rfRes(rfManager, "#Manager.v1_19_0.Manager", rfObj{"Id": "1", "Name": "Manager", "ManagerType": "BMC",
		"FirmwareVersion": s.vendor.Firmware, "Model": s.vendor.Manufacturer + " BMC", "UUID": s.uuid(2),
		"Status": rfStatus("OK"), "Links": rfObj{"ManagerForServers": []any{rfLink(rfSys)}, "ManagerForChassis": []any{rfLink(rfChassis)}}})
}

func (s *bmcServer) sessionService(seg []string) rfObj {
	base := rfRoot + "/SessionService"
	switch {
	case len(seg) == 0:
		return rfRes(base, "#SessionService.v1_1_8.SessionService", rfObj{"Id": "SessionService", "Name": "Session Service",
			"ServiceEnabled": true, "SessionTimeout": int(bmcSessionIdle.Seconds()), "Sessions": rfLink(base + "/Sessions"),
			"Status": rfStatus("OK")})
	case len(seg) == 1 && seg[0] == "Sessions":
		s.mu.Lock()
		var ids []string
		for _, sess := range s.sessions {
			ids = append(ids, base+"/Sessions/"+sess.id)
		}
		s.mu.Unlock()
		return rfColl(base+"/Sessions", "#SessionCollection.SessionCollection", "Session Collection", ids)
	}
	return nil
}
