package bigscreen

const benchClientsEnv = "SWANWATCH_BENCH_WS_CLIENTS"

func benchClients(spec string) int { return 2 }
