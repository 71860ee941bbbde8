// Published SCP03 transcripts at security level 33 for AES-128, -192 and -256 static keys: input and
// output values taken from the unit tests of osmocom/pysim (tests/unittests/test_globalplatform.py,
// classes SCP03_Test_AES128_33, SCP03_Test_AES192_33 and SCP03_Test_AES256_33; GPL-2.0 project, only
// its published test data is used here, none of its code). pysim is an implementation independent
// of ours (Python, pycryptodome). Each transcript: INITIALIZE UPDATE (host challenge, KVN) and the
// card's answer, the EXTERNAL AUTHENTICATE pysim sends, then a wrapped GET DATA (80 E2 91 00 with
// BF3E035C015A, counter 1), the card's encrypted answer, and four more wrapped commands (cases 1-4).
export interface PublishedTranscript {
	readonly name: string;
	readonly enc: string;
	readonly mac: string;
	readonly dek: string;
	readonly initUpdateCommand: string;
	readonly initUpdateResponse: string;
	readonly externalAuthenticate: string;
	/** plain command, wrapped command (as pysim sends it, Le 00 included), card answer, plain answer */
	readonly getEid: readonly [string, string, string, string];
	/** [plain, wrapped] for cases 1, 2, 3 and 4, in the order pysim wraps them after GET EID */
	readonly cases: readonly (readonly [string, string])[];
}

const CASES_PLAIN = ["80F22002", "80ca006600", "80F220020a4f0212345c054f9f70c5", "80f28002024f0000"];
const GET_EID_PLAIN = "80E2910006BF3E035C015A00";
const GET_EID_ANSWER = "bf3e125a1089882119900000000000000000000005";

export const published: readonly PublishedTranscript[] = [
	{
		name: "AES-128",
		enc: "000102030405060708090a0b0c0d0e0f", mac: "101112131415161718191a1b1c1d1e1f", dek: "202122232425262728292a2b2c2d2e2f",
		initUpdateCommand: "8050300008fdf38259a1e0de4400",
		initUpdateResponse: "000000000000000000003003703b1aca81e821f219081cdc01c26b372d000003",
		externalAuthenticate: "84823300108c36f96bcc00724a4e13ad591d7da3f0",
		getEid: [GET_EID_PLAIN, "84e2910018267a85dfe4a98fca6fb0527e0dfecce4914e40401433c87f00", "f3ba2b1013aa6224f5e1c138d71805c569e5439b47576260b75fc021b25097cb2e68f8a0144975b9", GET_EID_ANSWER],
		cases: [
			"84f2200208ac6a59024bed84cc", "84ca006608409912ad8fb7aed000",
			"84f22002185f3dafc3ac14c381536a488bf44e06d056df9d74dbd21e5a", "84f280021865165105be3373347d0424d4400af2ac393f569ec779389e00",
		].map((w, i) => [CASES_PLAIN[i]!, w] as const),
	},
	{
		name: "AES-192",
		enc: "000102030405060708090a0b0c0d0e0f0001020304050607", mac: "101112131415161718191a1b1c1d1e1f1011121314151617", dek: "202122232425262728292a2b2c2d2e2f2021222324252627",
		initUpdateCommand: "80503100089b3f2eef0e8c937400",
		initUpdateResponse: "00000000000000000000310370f6bb305a15bae1a68f79fb08212fbed7000002",
		externalAuthenticate: "84823300109100bc22d58b45b86a26365ce39ff3cf",
		getEid: [GET_EID_PLAIN, "84e29100188f7f946c84f70d17994bc6e8791251bb1bb1bf02cf8de58900", "c05176c1b6f72aae50c32cbee63b0e95998928fd4dfb2be9f27ffde8c8476f5909b4805cc4039599", GET_EID_ANSWER],
		cases: [
			"84f2200208d5d97754b6b3d2ba", "84ca006608516c82b8e30adbeb00",
			"84f2200218cc247f4761e6944277a4e0d6e32e44025b1e31537e2fc668", "84f2800218ba22b63d509bef5d093b43e5eaed03ed23144ab2d9cb51de00",
		].map((w, i) => [CASES_PLAIN[i]!, w] as const),
	},
	{
		name: "AES-256",
		enc: "000102030405060708090a0b0c0d0e0f000102030405060708090a0b0c0d0e0f", mac: "101112131415161718191a1b1c1d1e1f101112131415161718191a1b1c1d1e1f", dek: "202122232425262728292a2b2c2d2e2f202122232425262728292a2b2c2d2e2f",
		initUpdateCommand: "805032000897b2055fe58599fd00",
		initUpdateResponse: "00000000000000000000320370a8439a22cedf045fa9f1903b2834f26e000002",
		externalAuthenticate: "8482330010508a0fd959d2e547c6b33154a6be2057",
		getEid: [GET_EID_PLAIN, "84e29100187a5ef717eaf1e135ae92fe54429d0e465decda65f5fe5aea00", "ea90dbfa648a67c5eb6abc57f8530b97d0cd5647c5e8732016b55203b078dd2ace7f8bc5d1c1cd99", GET_EID_ANSWER],
		cases: [
			"84f2200208bcc5c17275545d93", "84ca00660804806aba9d543bb600",
			"84f2200218717222491556ec81a45f49ce48be33320024801a1c4cb0e0", "84f2800218561f105bccd3a1642904b251ccc1228beb80a82370a8637000",
		].map((w, i) => [CASES_PLAIN[i]!, w] as const),
	},
];
