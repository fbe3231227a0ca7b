module tls13sim.test/diffgo

go 1.19
