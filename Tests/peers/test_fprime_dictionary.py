"""fprime-gds (F Prime's own ground system) loads the dictionary Regolith exports.

Every command, channel, event and parameter in Regolith's own form must come out of
fprime-gds's JSON loaders with the same id, name and types; a mismatch fails the test.
"""
import json

import pytest
from fprime_gds.common.models.dictionaries import Dictionaries
from fprime_gds.common.utils.config_manager import ConfigManager

from conftest import run_regolith

FPRIME_NAMES = {"U8", "U16", "U32", "U64", "I8", "I16", "I32", "I64", "F32", "F64", "bool"}


@pytest.fixture(scope="module")
def exported(regolith_bin, tmp_path_factory):
    out = tmp_path_factory.mktemp("dict")
    run_regolith(regolith_bin, "dict", "export", "--format", "both", "--output", str(out))
    regolith = json.loads((out / "RegolithCoreDictionary.json").read_text())
    fprime_path = out / "RegolithCoreTopologyDictionary.json"
    loaded = Dictionaries.load_dictionaries_into_config(str(fprime_path))
    return regolith, loaded, json.loads(fprime_path.read_text())


def type_name(t) -> str:
    """fprime-gds's name for a loaded type class."""
    return t.__name__


def expected_type(rtype: dict) -> str:
    kind = rtype["type"]
    if kind == "enum":
        return rtype["enum"]
    if kind == "string":
        return f"String_{rtype['maxLength']}"
    return {"bool": "BoolType"}.get(kind, f"{kind}Type")


def test_metadata_and_fw_types(exported):
    _, loaded, raw = exported
    assert loaded.metadata["deploymentName"] == "RegolithCore"
    assert loaded.metadata["dictionarySpecVersion"] == "1.0.0"
    config = ConfigManager.get_instance()
    assert config.get_type("FwOpcodeType").getSize() == 4
    assert config.get_type("FwChanIdType").getSize() == 4
    assert config.get_type("FwEventIdType").getSize() == 4
    assert config.get_type("FwPacketDescriptorType").getSize() == 2
    assert config.get_type("FwSizeStoreType").getSize() == 2
    assert config.get_type("FwTimeContextStoreType").getSize() == 1
    # Regolith's simulated time base is a member of the TimeBase enum fprime-gds uses.
    assert config.get_type("TimeBase")("TB_SIM_TIME").val == "TB_SIM_TIME"
    assert config.get_type("ComCfg.Apid")("FW_PACKET_COMMAND").numeric_value == 0
    assert {t["qualifiedName"] for t in raw["typeDefinitions"]} >= {"Fw.CmdResponse", "TimeBase", "FwOpcodeType"}


def test_every_command_matches(exported):
    regolith, loaded, _ = exported
    assert len(loaded.command_id) == len(regolith["commands"]) > 0
    for cmd in regolith["commands"]:
        template = loaded.command_id[cmd["opcode"]]
        assert template.get_full_name() == cmd["name"]
        args = template.get_args()
        assert [a[0] for a in args] == [a["name"] for a in cmd["arguments"]]
        for (_, _, gds_type), arg in zip(args, cmd["arguments"]):
            assert type_name(gds_type) == expected_type(arg["type"]), cmd["name"]


def test_every_channel_matches(exported):
    regolith, loaded, _ = exported
    assert len(loaded.channel_id) == len(regolith["channels"]) > 0
    for ch in regolith["channels"]:
        template = loaded.channel_id[ch["id"]]
        assert template.get_full_name() == ch["name"]
        assert type_name(template.get_type_obj()) == expected_type(ch["type"])
        limits = ch.get("limits") or {}
        assert template.get_high_yellow() == limits.get("yellowHigh")
        assert template.get_high_red() == limits.get("redHigh")
        assert template.get_low_yellow() == limits.get("yellowLow")
        assert template.get_low_red() == limits.get("redLow")


def test_every_event_matches(exported):
    regolith, loaded, _ = exported
    assert len(loaded.event_id) == len(regolith["events"]) > 0
    for ev in regolith["events"]:
        template = loaded.event_id[ev["id"]]
        assert template.get_full_name() == ev["name"]
        assert template.get_severity().name == ev["severity"]
        assert [a[0] for a in template.get_args()] == [a["name"] for a in ev["arguments"]]
        # The format renders with one value per argument.
        assert template.get_format_str().count("{}") == len(ev["arguments"])


def test_command_arguments_encode_as_regolith_decodes(exported):
    """fprime-gds serialises ARM's U32 and SET_EVENT_FILTER's enum + bool the way Regolith reads them."""
    _, loaded, _ = exported
    arm = loaded.command_name["cmdDisp.ARM"]
    (_, _, u32) = arm.get_args()[0]
    value = u32(0x01020304)
    assert value.serialize() == bytes([1, 2, 3, 4])
    filt = loaded.command_name["eventLogger.SET_EVENT_FILTER"]
    (_, _, sev), (_, _, flag) = filt.get_args()
    assert sev("WARNING_HI").serialize() == bytes([2])
    assert flag(True).serialize() == bytes([0xFF])


def test_parameters_match(exported):
    regolith, _, raw = exported
    by_id = {p["id"]: p for p in raw["parameters"]}
    for p in regolith["parameters"]:
        assert by_id[p["id"]]["name"] == p["name"]
        assert by_id[p["id"]]["default"] == p["default"]
