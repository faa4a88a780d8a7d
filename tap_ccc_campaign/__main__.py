from tap_ccc_campaign.cli import main

main()
