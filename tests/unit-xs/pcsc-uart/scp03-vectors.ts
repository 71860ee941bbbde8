// SCP03 vectors computed by tests/host/scp03-vectors.py with Python's `cryptography` (not mbedTLS):
// regenerate with `python3 tests/host/scp03-vectors.py`; tests/host/pcsc-scp03.test.ts checks they still agree.
export const vectors = {
	"keys": {
		"enc": "00112233445566778899aabbccddeeff",
		"mac": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
		"dek": "a1a2a3a4a5a6a7a8a9aaabacadaeafb0"
	},
	"hostChallenge": "0102030405060708",
	"kdf": [
		{
			"key": "00112233445566778899aabbccddeeff",
			"constant": 4,
			"bits": 128,
			"context": "000102030405060708090a0b0c0d0e0f",
			"out": "15001b2bb0bdc6faea1cc6eb39f3beca"
		},
		{
			"key": "00112233445566778899aabbccddeeff",
			"constant": 6,
			"bits": 128,
			"context": "000102030405060708090a0b0c0d0e0f",
			"out": "aae9a133315b4913315311c9a141b709"
		},
		{
			"key": "00112233445566778899aabbccddeeff",
			"constant": 7,
			"bits": 128,
			"context": "000102030405060708090a0b0c0d0e0f",
			"out": "acce88cbc912fdbef429bd0abc59cb9b"
		},
		{
			"key": "00112233445566778899aabbccddeeff",
			"constant": 0,
			"bits": 64,
			"context": "000102030405060708090a0b0c0d0e0f",
			"out": "09df09963a0bf65b"
		},
		{
			"key": "00112233445566778899aabbccddeeff",
			"constant": 1,
			"bits": 64,
			"context": "000102030405060708090a0b0c0d0e0f",
			"out": "69fedcd61ab63489"
		},
		{
			"key": "8899aabbccddeeff00112233445566770f1e2d3c4b5a6978",
			"constant": 4,
			"bits": 192,
			"context": "000102030405060708090a0b0c0d0e0f",
			"out": "8c92c35b1b0aa0964c75e3ec4ed1f4d8488efa24f373757c"
		},
		{
			"key": "8899aabbccddeeff00112233445566770f1e2d3c4b5a6978",
			"constant": 7,
			"bits": 192,
			"context": "000102030405060708090a0b0c0d0e0f",
			"out": "4b77ae03c6e294ce8b5824894e69d8f3c5e993d6483f88e9"
		},
		{
			"key": "8899aabbccddeeff00112233445566770f1e2d3c4b5a6978",
			"constant": 0,
			"bits": 64,
			"context": "000102030405060708090a0b0c0d0e0f",
			"out": "7fcd4d73f91a6d2d"
		},
		{
			"key": "00112233445566778899aabbccddeeff0f1e2d3c4b5a69788796a5b4c3d2e1f0",
			"constant": 4,
			"bits": 256,
			"context": "000102030405060708090a0b0c0d0e0f",
			"out": "fda0e6762eb8ab2facfab97c334ab52d549a74e680aaf72aa51b46fbc82d9201"
		},
		{
			"key": "00112233445566778899aabbccddeeff0f1e2d3c4b5a69788796a5b4c3d2e1f0",
			"constant": 7,
			"bits": 256,
			"context": "000102030405060708090a0b0c0d0e0f",
			"out": "ed88846c46c5ee63cdebf3dcbffc439abb6f5f4f69e3b94f609731613c0c2165"
		},
		{
			"key": "00112233445566778899aabbccddeeff0f1e2d3c4b5a69788796a5b4c3d2e1f0",
			"constant": 0,
			"bits": 64,
			"context": "000102030405060708090a0b0c0d0e0f",
			"out": "c759149c48594ba1"
		}
	],
	"session": [
		{
			"command": "815000000102030405060708",
			"lc": 8,
			"response": "0000000000000000000030037030101f16a11a78a26be670395f0f34a7000001",
			"sw": 36864
		},
		{
			"command": "8582330099ee6266e0f69f8c1e6536b2ef7113b2",
			"lc": 16,
			"response": "",
			"sw": 36864
		},
		{
			"command": "05a400041f2c739a72859e90c9918ee60bd60deb227bc33c2b16ad8a",
			"lc": 24,
			"response": "9d1e6e88748a9533e57d33adfc31cb20ae9c71a7e5568c09",
			"sw": 36864,
			"plainCommand": "5208",
			"plainResponse": "620c820241218302520880020040"
		},
		{
			"command": "05b0000088c43152e47625ec",
			"lc": 8,
			"response": "dffbcfea78801564e7a7115594d0ce87524a0cfcab9923c8142f11d841c35152ad91c1d79f41d440b9c001d8a58f26f7624d50f62510f8b0a75f9042ef1297028a776ef0e5af411ce34d5901af9f8569a74a5e23b7fcf3a2",
			"sw": 36864,
			"plainCommand": "",
			"plainResponse": "7b22626f6f747374726170223a22766563746f72227dffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
		},
		{
			"command": "05a40004b02b0f3c23db53b6072d8cd0aae929af946edf306af6669a",
			"lc": 24,
			"response": "",
			"sw": 27266,
			"plainCommand": "7777"
		}
	]
};
