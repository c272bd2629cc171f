from setuptools import find_packages, setup

from community_governance import __version__ as version

with open("requirements.txt") as f:
	install_requires = [line for line in f.read().strip().split("\n") if line and not line.startswith("#")]

setup(
	name="community_governance",
	version=version,
	description="Grassroots governance for street offices: grids, buildings, residents, captains",
	author="Community Governance Developers",
	author_email="developers@community-governance.invalid",
	packages=find_packages(exclude=("tests", "tests.*")),
	zip_safe=False,
	include_package_data=True,
	install_requires=install_requires,
	python_requires=">=3.10",
)
