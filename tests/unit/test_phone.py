import pytest

from community_governance.utils.phone import is_mobile, mask_phone, normalize_phone


@pytest.mark.parametrize(
	"raw, expected",
	[
		("13812345678", "13812345678"),
		(" 138 1234 5678 ", "13812345678"),
		("138-1234-5678", "13812345678"),
		("+86 13812345678", "13812345678"),
		("008613812345678", "13812345678"),
		("010-12345678", "010-12345678"),
		("01012345678", "010-12345678"),
		("(0571) 8888 6666", "0571-88886666"),
		("0755-1234567", "0755-1234567"),
	],
)
def test_valid_numbers_are_normalised(raw, expected):
	assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
	"raw",
	[
		"",
		None,
		"12345",
		"1381234567",  # ten digits
		"138123456789",  # twelve digits
		"12812345678",  # no mobile network starts with 12
		"1381234567a",
		"010-123456",  # local number too short
		"0571-123456789",  # local number too long
		"abc",
		"+1 2025550123",
	],
)
def test_malformed_numbers_are_rejected(raw):
	assert normalize_phone(raw) is None


def test_is_mobile_distinguishes_landlines():
	assert is_mobile("13812345678")
	assert not is_mobile("010-12345678")
	assert not is_mobile(None)


@pytest.mark.parametrize(
	"phone, masked",
	[
		("13812345678", "138****5678"),
		("0571-88886666", "0571-****6666"),
		("010-1234567", "010-****4567"),
		(None, None),
		("", None),
	],
)
def test_masked_phone_keeps_only_what_a_caller_may_see(phone, masked):
	assert mask_phone(phone) == masked
	if phone:
		assert phone not in mask_phone(phone)
