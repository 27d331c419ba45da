package libvirt

import (
	"encoding/xml"
	"fmt"
	"strings"
)

// MetadataNS is the namespace of the <metadata> element a domain may carry
// to name its business system and department:
//
//	<metadata><sw:vm xmlns:sw="https://github.com/swanwatch/swanwatch/xmlns/libvirt/vm/1">
//	  <sw:system>门户网站</sw:system><sw:dept>大数据局</sw:dept></sw:vm></metadata>
//
// Without it, a <title> of the form "system/dept" (or just "system") is used.
const MetadataNS = "https://github.com/swanwatch/swanwatch/xmlns/libvirt/vm/1"

// maxXML bounds the domain XML the driver parses: real ones are a few KiB.
const maxXML = 1 << 20

// description is what the driver needs from a domain's XML.
type description struct {
	system, dept string
	disks        []string // target devs of disks (not CD-ROMs), for DomainBlockStats
	nics         []string // target devs of interfaces, for DomainInterfaceStats
}

type domainXML struct {
	Title    string `xml:"title"`
	Metadata struct {
		VM []struct {
			System string `xml:"https://github.com/swanwatch/swanwatch/xmlns/libvirt/vm/1 system"`
			Dept   string `xml:"https://github.com/swanwatch/swanwatch/xmlns/libvirt/vm/1 dept"`
		} `xml:"https://github.com/swanwatch/swanwatch/xmlns/libvirt/vm/1 vm"`
	} `xml:"metadata"`
	Devices struct {
		Disks []struct {
			Device string `xml:"device,attr"`
			Target struct {
				Dev string `xml:"dev,attr"`
			} `xml:"target"`
		} `xml:"disk"`
		NICs []struct {
			Target struct {
				Dev string `xml:"dev,attr"`
			} `xml:"target"`
		} `xml:"interface"`
	} `xml:"devices"`
}

// describe parses a domain's XML (virDomainGetXMLDesc).
func describe(doc string) (*description, error) {
	if len(doc) > maxXML {
		return nil, fmt.Errorf("domain XML of %d bytes is larger than %d", len(doc), maxXML)
	}
	var x domainXML
	if err := xml.Unmarshal([]byte(doc), &x); err != nil {
		return nil, fmt.Errorf("domain XML: %w", err)
	}
	d := &description{}
	if len(x.Metadata.VM) > 0 {
		d.system = strings.TrimSpace(x.Metadata.VM[0].System)
		d.dept = strings.TrimSpace(x.Metadata.VM[0].Dept)
	} else if t := strings.TrimSpace(x.Title); t != "" {
		sys, dept, _ := strings.Cut(t, "/")
		d.system, d.dept = strings.TrimSpace(sys), strings.TrimSpace(dept)
	}
	for _, dk := range x.Devices.Disks {
		if dk.Target.Dev != "" && (dk.Device == "" || dk.Device == "disk") {
			d.disks = append(d.disks, dk.Target.Dev)
		}
	}
	for _, n := range x.Devices.NICs {
		if n.Target.Dev != "" {
			d.nics = append(d.nics, n.Target.Dev)
		}
	}
	return d, nil
}
