package report

import "strconv"

// scenicSection is the inspection report's scenic area: a summary, every
// camera, channel, disk and device not as it should be, and the car parks.
func (in *Inspection) scenicSection() section {
	s := in.Scenic
	sec := section{title: "六、天鹅湖景区", paras: []string{s.summary()}}
	if !s.HasData {
		return sec
	}
	p := table{title: "设备异常", cols: cols("类别", 3, "对象", 6, "园区", 3, "说明", 6)}
	for _, x := range s.Problems {
		p.rows = append(p.rows, []cell{txt(word(scenicWords, x.Kind)), txt(x.Entity), txt(dash(x.Site)), txt(x.Detail)})
	}
	l := table{title: "停车场", cols: cols("停车场", 4, "园区", 3, "空余车位", 2.5, "总车位", 2.5, "空余比例", 3)}
	for _, x := range s.Lots {
		l.rows = append(l.rows, []cell{txt(x.Lot), txt(dash(x.Site)), spaces(x.Free), spaces(x.Capacity), val(x.FreeRatio)})
	}
	sec.tables = []table{p, l}
	return sec
}

// spaces is a count of parking spaces, right-aligned like a number.
func spaces(v float64) cell {
	return cell{kind: cInt, text: strconv.FormatFloat(v, 'f', -1, 64), num: v}
}

// summary is one paragraph with every figure of the scenic area.
func (s ScenicStatus) summary() string {
	if !s.HasData {
		return "本次巡检无天鹅湖景区数据（无数据）。"
	}
	f := s.Flow
	return "摄像机 " + itoa(s.Cameras) + " 台，在线 " + itoa(s.CamerasOnline) + " 台（在线率 " + s.CameraRate.text() +
		"），画面故障 " + itoa(s.PictureFaults) + " 台；录像通道 " + itoa(s.Channels) + " 路，录像缺失 " + itoa(s.Gaps) +
		" 路、保存天数不足 " + itoa(s.ShortKept) + " 路；NVR硬盘 " + itoa(s.Disks) + " 块，故障 " + itoa(s.DisksFailed) +
		" 块；闸机正常 " + itoa(s.GatesOK) + "/" + itoa(s.Gates) + "，道闸正常 " + itoa(s.BarriersOK) + "/" + itoa(s.Barriers) +
		"，LED屏点亮 " + itoa(s.LEDsOn) + "/" + itoa(s.LEDs) + "；停车场 " + itoa(len(s.Lots)) + " 个，空余车位 " +
		strconv.FormatFloat(s.FreeSpaces, 'f', -1, 64) + "/" + strconv.FormatFloat(s.ParkingCapacity, 'f', -1, 64) +
		"。近24小时入园 " + f.VisitorsIn.text() + " 人次、出园 " + f.VisitorsOut.text() + " 人次，车辆入场 " +
		f.VehiclesIn.text() + " 辆次、出场 " + f.VehiclesOut.text() + " 辆次。"
}

// values lists the figures, for validate.
func (s ScenicStatus) values() []Value {
	vs := []Value{s.CameraRate, s.Flow.VisitorsIn, s.Flow.VisitorsOut, s.Flow.VehiclesIn, s.Flow.VehiclesOut}
	for _, l := range s.Lots {
		vs = append(vs, l.FreeRatio)
	}
	return vs
}
