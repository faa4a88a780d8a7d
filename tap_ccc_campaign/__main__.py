from tap_ccc_campaign.tap import main

main()
