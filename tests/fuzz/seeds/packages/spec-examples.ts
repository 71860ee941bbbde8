// The example documents of section 7.2 and Appendices F and I of OMA-TS-DM_Protocol-V2_0-20160209-A,
// copied from the spec text. The published text is damaged (OCR glyphs for brackets, missing
// braces and commas, strings wrapped across lines, a boundary spelled three ways), so each example
// is kept twice where needed: `raw` as printed, or its beginning up to the first defects (a reader
// must refuse it with a typed error, never crash) and `text` with only those defects repaired, listed in `repairs`. The round-trip tests
// (tests/unit/codec/spec-examples.test.ts) and the package fuzz (as seeds) use them.
export type ExampleKind = "package1" | "package2" | "package3" | "dmmo" | "multipart";

export interface SpecExample {
	name: string;
	kind: ExampleKind;
	text: string;
	raw?: string;
	repairs?: string;
	boundary?: string;
}

const SCOMO_DM1X = "<ResultCode>1200</ResultCode><!-- SCOMO Result Code --><Identifier>Component1ID</Identifier>";

export const SPEC_EXAMPLES: readonly SpecExample[] = Object.freeze([
	{
		name: "7.2.1.1 Package#1", kind: "package1",
		repairs: "'{' restored before the second MOS item and the second alert, 'ł' read as '{', wrapped URIs and the DM1x text joined, the closing '}' added",
		raw: `{
     "MOS": [
         {
              "DDF": "http://www.vendor.com/DDF/devinfol.0.ddf",
              "MOID": "urn:oma:mo:oma-dm-devinfo:1.0",
              "MIID": ["miid1"]
         },
              "DDF": "http://www.vendor.com/DDF/oma-sessioninfomol.0.ddf",
              "MOID": "urn:oma:mo:oma-sessioninfomo:1.0",
              "MIID": ["miid1"]
         }
    ],
     "Alert": [
          ł
              "AlertType": "urn:oma:at:scomo:1.0:OperationComplete",
"SourceURI": "urn:oma:mo:oma-
scomo:1.0/SCOMO1/Download/Package1/Operations/DownloadInstall",`,
		text: `{
     "MOS": [
         {
              "DDF": "http://www.vendor.com/DDF/devinfol.0.ddf",
              "MOID": "urn:oma:mo:oma-dm-devinfo:1.0",
              "MIID": ["miid1"]
         },
         {
              "DDF": "http://www.vendor.com/DDF/oma-sessioninfomol.0.ddf",
              "MOID": "urn:oma:mo:oma-sessioninfomo:1.0",
              "MIID": ["miid1"]
         }
    ],
     "Alert": [
          {
              "AlertType": "urn:oma:at:scomo:1.0:OperationComplete",
              "SourceURI": "urn:oma:mo:oma-scomo:1.0/SCOMO1/Download/Package1/Operations/DownloadInstall",
              "TargetURI": "urn:oma:mo:oma-scomo:1.0/SCOMO1/Inventory/Deployed/Component1",
              "Mark": "warning",
              "DataType": "text/xml",
              "Data": {
                   "DM1x": "${SCOMO_DM1X}"
              }
         },
         {
              "AlertType": "urn:oma:at:scomo:1.0:OperationComplete",
              "SourceURI": "urn:oma:mo:oma-scomo:1.0/SCOMO1/Download/Package1/Operations/DownloadInstall",
              "TargetURI": "urn:oma:mo:oma-scomo:1.0/SCOM01/Inventory/Deployed/Component2",
              "Mark": "warning",
              "DataType": "text/xml",
              "Data": {
                   "DM1x": "${SCOMO_DM1X}"
              }
         }
    ]
}`,
	},
	{
		name: "7.2.1.2 Package#2", kind: "package2",
		text: `{
    "CMD": [
        ["HPOST",
        "https://DMcontent.DMserver.operator.com/[DevID]",
        "urn:oma:mo:oma-dm-devinfo:1.0//",
        "urn:oma:mo:oma-sessioninfomo:1.0//"],
        ["HGET", "https://DMcontent.DMserver.operator.com/new_mo"],
        ["GET", "urn:oma:mo:oma-sessioninfomo:1.0//CBT"]
    ]
}`,
	},
	{
		name: "7.2.1.3 Package#3", kind: "package3",
		repairs: "wrapped URIs joined, the closing '}' added",
		raw: `{
     "Status": [
          {"sc": 200},
          {"sc": 200, "URI": ["urn:oma:mo:oma-mo:1.0/miid1/", "urn:oma:mo:oma-
mo:1.0/miid2/"]},
         {"sc": 200}
    ],`,
		text: `{
     "Status": [
          {"sc": 200},
          {"sc": 200, "URI": ["urn:oma:mo:oma-mo:1.0/miid1/", "urn:oma:mo:oma-mo:1.0/miid2/"]},
         {"sc": 200}
    ],
     "Alert": [
         {
               "AlertType": "urn:oma:at:dcmo:1.0:OperationComplete",
              "SourceURI": "urn:oma:mo:oma-dcmo:1.0/Capability123/Operations/Enable",
              "Mark": "warning",
              "DataType": "int",
              "Data": {
                   "DM1x": 1404
              }
         }
    ]
}`,
	},
	{
		name: "7.2.1.4 dmmo+json", kind: "dmmo",
		repairs: "'Γ' read as '[', the closing ']' added",
		raw: `Γ
    {
         "DDF": "http://www.vendor.com/DDF/devinfol.0.ddf",`,
		text: `[
    {
         "DDF": "http://www.vendor.com/DDF/devinfol.0.ddf",
         "ClientURI": "oma:mo:oma-dm-devinfo:1.0//",
         "CV": "686897696a7c876b7e",
         "MOData": {
              "DevInfo": {
                   "DevID": "IMEI:493005100592800",
                   "Man": "Vendor",
                   "Mod": "DM_Client",
                   "DmV": "2.0",
                    "Lang": "en",
                   "DevType": "smartphone",
                   "OEM": "",
                   "FwV": "android4.0.4",
                   "SwV": "Vendor1.2",
                   "HwV": ""
              }
         }
    }
]`,
	},
	{
		name: "7.2.1.5 Generic Alert", kind: "package1",
		repairs: "'}' and '{' restored between the two alerts, '1' read as ']', wrapped URIs and the DM1x text joined, the closing '}' added",
		raw: `{
     "Alert": [
         {
              "AlertType": "urn:oma:at:scomo:1.0:OperationComplete",
              "Data": {
                   "DM1x": "<ResultCode>1200</ResultCode>
                                                                   <!-- SCOMO
Result Code --><Identifier>Component1ID</Identifier>"
              }
              "AlertType": "urn:oma:at:scomo:1.0:OperationComplete",
         }
    1`,
		text: `{
     "Alert": [
         {
              "AlertType": "urn:oma:at:scomo:1.0:OperationComplete",
              "SourceURI": "urn:oma:mo:oma-scomo:1.0/SCOMO1/Download/Package1/Operations/DownloadInstall",
              "TargetURI": "urn:oma:mo:oma-scomo:1.0/SCOMO1/Inventory/Deployed/Component1",
              "Mark": "warning",
              "DataType": "text/xml",
              "Data": {
                   "DM1x": "${SCOMO_DM1X}"
              }
         },
         {
              "AlertType": "urn:oma:at:scomo:1.0:OperationComplete",
              "SourceURI": "urn:oma:mo:oma-scomo:1.0/SCOMO1/Download/Package1/Operations/DownloadInstall",
              "TargetURI": "urn:oma:mo:oma-scomo:1.0/SCOMO1/Inventory/Deployed/Component2",
              "Mark": "warning",
              "DataType": "text/xml",
              "Data": {
                   "DM1x": "${SCOMO_DM1X}"
              }
         }
    ]
}`,
	},
	{
		name: "Appendix F Package#2", kind: "package2",
		repairs: "the wrapped ClientURI joined",
		text: `{
    "CMD": [
        ["GET", "urn:oma:mo:oma-dm-devinfo:1.2//DevID"],
        ["GET", "urn:oma:mo:oma-dm-devinfo:1.2//DevID"],
        ["GET", "urn:oma:mo:oma-sessioninfomo:1.0//"],
        ["HPUT", "http://www.data.com/MOData", "urn:oma:mo:oma-moid:1.0//"],
        ["GET", "urn:oma:mo:invalid-moid:1.0//"],
        ["HGET", "http://www.dms1.com/","urn:oma:mo:oma-dm-dmacc:2.0/dms1/AuthNoti/AuthSecret"]
    ]
}`,
	},
	{
		name: "Appendix F multipart response", kind: "multipart", boundary: "simple_boundary",
		repairs: "the blank line between each part's headers and its content, the CRLF line ends, and the final CRLF that RFC 2046 framing needs",
		text: [
			"--simple_boundary",
			"Content-Disposition: form-data",
			"Content-Type: application/vnd.oma.dm.response+json",
			"",
			`{
     "Status": [
         200,
         200,
         200,
         200,
         404,
         200
     ]
}`,
			"--simple_boundary",
			"Content-Disposition: form-data; name=\"0\"",
			"Content-Type: text/plain",
			"",
			"IMEI:493005100592800",
			"--simple_boundary",
			"Content-Disposition: form-data; name=\"1\"",
			"Content-Type: application/dmmo+json",
			"",
			`{
    "DDF": "http://www.vendor.com/DDF/oma-dm-devinfol.2.ddf",
    "ClientURI": "urn:oma:mo:oma-dm-devinfo:1.2//DevID",
    "MOData": {
         "DevID": "IMEI:493005100592800"
    }
}`,
			"--simple_boundary",
			"Content-Disposition: form-data; name=\"2\"",
			"Content-Type: application/dmmo+json",
			"",
			`{
     "DDF": "http://www.vendor.com/DDF/oma-sessioninfomol.0.ddf",
     "ClientURI": "urn:oma:mo:oma-sessioninfomo:1.0//",
    "MOData": {
         "SessionInfoMO": {
              "CBT": 1,
              "ROAMING": 0
         }
    }
}`,
			"--simple_boundary--",
			"",
		].join("\r\n"),
	},
	{
		name: "I.1 Package#1", kind: "package1",
		repairs: "the example stops after '{' (no MOS, no alerts): closed as '{}'",
		raw: "{",
		text: "{}",
	},
	{
		name: "I.1 Package#2 (GET)", kind: "package2",
		text: `{
    "CMD": [
        ["GET", "oma:mo:oma-dm-devinfo:1.0//"],
        ["GET", "urn:oma:mo:oma-scomo:1.0//Inventory/Deployed/*/ID"]
    ]
}`,
	},
	{
		name: "I.1 multipart response", kind: "multipart", boundary: "simple_boundary",
		repairs: "one boundary (the header says 'boundary', the delimiters 'simple boundary' and 'simple_boundary'), '1' read as ']', 'Γ' as '[', part 1's outer '{' '}' read as '[' ']' with the missing '{' of its second item, blank lines after headers, CRLF line ends",
		text: [
			"--simple_boundary",
			"Content-Disposition: form-data",
			"Content-Type: application/vnd.oma.dm.response+json",
			"",
			`{
     "Status": [
         200,
         200
     ]
}`,
			"--simple_boundary",
			"Content-Disposition: form-data; name=\"0\"",
			"Content-Type: application/dmmo+json",
			"",
			`[
     {
          "DDF": "http://www.vendor.com/DDF/devinfol.0.ddf",
          "ClientURI": "oma:mo:oma-dm-devinfo:1.0//",
          "MOData": {
               "DevInfo": {
                   "DevID": "IMEI:493005100592800",
                   "Man": "Vendor",
                   "Mod": "DM_Client",
                   "DmV": "2.0",
                   "Lang": "en",
                   "DevType": "smartphone",
                   "OEM": "",
                   "FwV": "android4.0.4",
                   "SwV": "Vendor1.2",
                   "HwV": ""
              }
         }
    }
]`,
			"--simple_boundary",
			"Content-Disposition: form-data; name=\"1\"",
			"Content-Type: application/dmmo+json",
			"",
			`[
    {
         "DDF": "http://www.vendor.com/DDF/oma-scomo1.0.ddf",
         "ClientURI": "urn:oma:mo:oma-scomo:1.0//Inventory/Deployed/pkg1/ID",
          "MOData": {
              "ID": "pkg1_id"
         }
     },
     {
         "DDF": "http://www.vendor.com/DDF/oma-scomol.0.ddf",
         "ClientURI": "urn:oma:mo:oma-scomo:1.0//Inventory/Deployed/pkg2/ID",
         "MOData": {
              "ID": "pkq2 id"
         }
    }
]`,
			"--simple_boundary--",
			"",
		].join("\r\n"),
	},
	{
		name: "I.1 Package#2 (HPOST, END)", kind: "package2",
		repairs: "the comma between HPOST's two arguments",
		raw: `{
    "CMD": [
        ["HPOST", "http://www.dr.com/camera_state?DevID=IMEI:493005100592800"
        "urn:oma:mo:oma-dcmo:1.0/(x)/Enabled?nv=(x)/Property:Camera"],
        ["END"]
    ]
}`,
		text: `{
    "CMD": [
        ["HPOST", "http://www.dr.com/camera_state?DevID=IMEI:493005100592800",
        "urn:oma:mo:oma-dcmo:1.0/(x)/Enabled?nv=(x)/Property:Camera"],
        ["END"]
    ]
}`,
	},
	{
		name: "I.2 Package#1", kind: "package1",
		repairs: "'{' restored before the second, third and fourth MOS items, '}' and ',' after the third, the closing '}' added",
		text: `{
     "MOS": [
         {
              "DDF": "http://www.vendor.com/DDF/devinfol.0.ddf",
              "MOID": "urn:oma:mo:oma-dm-devinfo:1.0",
              "MIID": ["miid1"]
         },
         {
              "DDF": "http://www.vendor.com/DDF/oma-sessioninfomol.0.ddf",
              "MOID": "urn:oma:mo:oma-sessioninfomo:1.0",
              "MIID": ["miid1"]
         },
         {
              "DDF": "http://www.vendor.com/DDF/oma-dm-dmacc2.0.ddf",
              "MOID": "urn:oma:mo:oma-dm-dmacc:2.0",
              "MIID": ["miid dms1"]
         },
         {
              "DDF": "http://www.vendor.com/DDF/oma-dcmol.0.ddf",
              "MOID": "urn:oma:mo:oma-dcmo:1.0",
              "MIID": []
         }
     ]
}`,
	},
	{
		name: "I.2 Package#2 (HGET secret)", kind: "package2",
		text: `{
    "CMD": [
        ["HGET", "http://www.dms.com/new_secret?DevID=IMEI:493005100592800",
"urn:oma:mo:oma-dm-dmacc:2.0/(x)/AuthNoti/AuthSecret?nv=(x)/ServerID:DMS_ID1"]
    ]
}`,
	},
	{
		name: "I.2 Package#2 (HGET DCMO)", kind: "package2",
		text: `{
    "CMD": [
        ["HGET", "http://www.dms.com/dcmo_usb"]
    ]
}`,
	},
	{
		name: "I.2 Package#3 (new DCMO location)", kind: "package3",
		repairs: "the missing '\"' before Status; the URI put in the status object's URI array (interpretation 1): the printed [200, \"urn:...\"] is not the schema's form",
		raw: `{
    "Status": [
        200, "urn:oma:mo:oma-dcmo:1.0/usb/"
    ]
}`,
		text: `{
    "Status": [
        {"sc": 200, "URI": ["urn:oma:mo:oma-dcmo:1.0/usb/"]}
    ]
}`,
	},
	{
		name: "I.2 Package#2 (END)", kind: "package2",
		text: `{
    "CMD": [
      ["END"]
  ]
}`,
	},
	{
		name: "I.3 DEFAULT examples", kind: "package2",
		repairs: "I.3 gives only the two commands' parameters; here they are as one Package#2",
		text: `{"CMD": [
	["DEFAULT", "https://prov.dmserver.com/Settings/[MCC]/[MNC]/MMS", "urn:oma:mo:oma-mms:1.3"],
	["DEFAULT", "https://rcsprov.gsma.org/Settings/[MCC]/[MNC]/RCS", "urn:gsma:mo:rcs:rcse:1.0"]
]}`,
	},
]);
