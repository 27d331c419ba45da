package scene

import "time"

// Panel data, as the evaluator publishes it and the page reads it. Values
// are numbers or null (no data: the page shows "—", never 0).

// KPIData is a PanelKPI or PanelGauge.
type KPIData struct {
	Value *float64 `json:"value"`
	State string   `json:"state,omitempty"`
	Sub   []Row    `json:"sub,omitempty"` // e.g. open incidents by severity
}

// RowsData is a PanelMap, PanelRanking or PanelTable (and a board's rows).
type RowsData struct {
	Rows   []Row `json:"rows"`
	Points []Row `json:"points,omitempty"` // map: the three development zones
}

// Row is one named value; Labels carry what a table shows in more columns.
type Row struct {
	Name   string            `json:"name"`
	Value  *float64          `json:"value"`
	State  string            `json:"state,omitempty"` // ok | warn | bad | unknown
	Labels map[string]string `json:"labels,omitempty"`
	Coord  []float64         `json:"coord,omitempty"` // map points: [lon, lat]
}

// BoardData is a PanelBoard: open incidents, newest first.
type BoardData struct {
	Rows []BoardRow `json:"rows"`
}

// BoardRow is one incident on the board.
type BoardRow struct {
	ID           int64     `json:"id"`
	Severity     string    `json:"severity"`
	SeverityName string    `json:"severity_name"` // 紧急 重要 次要 提示
	Title        string    `json:"title"`
	District     string    `json:"district"`
	Object       string    `json:"object"`
	Since        time.Time `json:"since"`
	AckedBy      string    `json:"acked_by,omitempty"`
	Held         int       `json:"held,omitempty"` // incidents held back under it (因上级故障抑制)
}

// DutyData is a PanelDuty.
type DutyData struct {
	People []DutyPerson `json:"people"`
	Watch  string       `json:"watch,omitempty"` // 重保期 banner when one is active
}

// DutyPerson is someone on duty now.
type DutyPerson struct {
	Name   string    `json:"name"`
	Roster string    `json:"roster"`
	Phone  string    `json:"phone,omitempty"` // masked: 138****0001
	Until  time.Time `json:"until,omitzero"`
}

// TopologyData is a PanelTopology: devices by level and the links between.
type TopologyData struct {
	Nodes []TopoNode `json:"nodes"`
	Links []TopoLink `json:"links"`
}

// TopoNode is a device (or an aggregate of a level when there are too many).
type TopoNode struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Level string `json:"level"` // city | county | town | village
	State string `json:"state"` // ok | warn | bad | unknown
	Count int    `json:"count,omitempty"`
}

// TopoLink is a link with its state and utilisation (0–1, null: unknown).
type TopoLink struct {
	Source string   `json:"source"`
	Target string   `json:"target"`
	State  string   `json:"state"` // ok | degraded | down | unknown
	Util   *float64 `json:"util"`
}

// CamerasData is a PanelCameras: the cameras the wall shows, the worst first.
type CamerasData struct {
	Tiles  []CameraTile `json:"tiles"`
	Total  int          `json:"total"`  // cameras known, shown or not
	Online int          `json:"online"` // of Total
	Faulty int          `json:"faulty"` // online with a picture fault
}

// CameraTile is one camera on the camera wall. Thumb and Reference are
// paths under /wall/ (the screen cookie opens them) that change when the
// picture does, so the page reloads an image only when there is a new one.
type CameraTile struct {
	Name      string    `json:"name"`
	Title     string    `json:"title"` // what the operator reads: site and name
	Site      string    `json:"site,omitempty"`
	State     string    `json:"state"`            // ok, warn (online with a picture fault), bad (offline), unknown
	Faults    []string  `json:"faults,omitempty"` // Chinese fault names, 画面偏移 …; 离线 when offline
	Thumb     string    `json:"thumb,omitempty"`
	Reference string    `json:"reference,omitempty"` // the 基准画面, shown beside a moved camera
	Since     time.Time `json:"since,omitzero"`      // when the current fault or outage began
}
